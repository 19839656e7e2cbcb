import type { RequestHandler } from 'express';
import type { RouteTable } from '../route-table';
import type { ServiceContext } from '../service-context';

/**
 * A module of the contract's admitted routes (cpu, image, io, counter): it defines its paths on
 * the route table, each behind `admit` (event-loop admission and the in-flight bound), and
 * serves them from the service's context. `createApp` calls every module the same way.
 */
export type RouteModule = (routes: RouteTable, ctx: ServiceContext, admit: RequestHandler) => void;
