import { customResultJson } from '@concurrency-lab/workloads';
import type { RequestHandler } from 'express';
import { intParam, NO_PARAMS, parseQuery } from '../params';
import { runOptions, underDeadline } from '../request-deadline';
import type { RouteTable } from '../route-table';
import type { ServiceContext } from '../service-context';
import { sendWork } from '../work-response';
import { parseThenAdmit } from './route-module';

/** `?i=` picks an input by index (taken modulo the number of inputs). */
export const CUSTOM_PARAMS = { i: intParam(0, 1_000_000_000) };

/**
 * A value as JSON can carry it, by the workloads' rules (`customResultJson`: a bigint as a
 * string, a typed array as its length, a Map or Set spelled out). What JSON cannot carry (a
 * function, a circular object) is the workload's failure: thrown, it is answered 500
 * ERR_WORK_FAILED, as on every model.
 */
function jsonSafe(value: unknown): unknown {
  const type = typeof value;
  if (value === null || type === 'number' || type === 'string' || type === 'boolean') return value;
  return JSON.parse(customResultJson(value)) as unknown;
}

/**
 * `GET /work/custom[?i=n]`: the operator's workload (`LAB_WORKLOAD`) on one of its inputs, run
 * wherever this model runs CPU work — the same runner, deadline and admission as every CPU
 * route. Defined only when a workload is configured: nothing a client sends loads code.
 */
export function defineCustomRoutes(
  routes: RouteTable,
  ctx: ServiceContext,
  admit: RequestHandler,
  configured: NonNullable<ServiceContext['workload']>,
): void {
  const { inputs } = configured.workload;
  // The input named by `i`, or undefined for the next in turn (taken only once admitted).
  const custom = parseThenAdmit((req): number | undefined => {
    const query = req.query as Record<string, unknown>;
    if ('i' in query) return parseQuery(query, CUSTOM_PARAMS).i;
    parseQuery(query, NO_PARAMS); // no other parameter either
    return undefined;
  }, admit);
  routes.define('get', '/work/custom', custom.admit, async (_req, res) => {
    let index = custom.params(res);
    if (index === undefined) {
      index = configured.next;
      configured.next = (index + 1) % inputs.length;
    }
    const input = inputs[index % inputs.length];
    const out = await underDeadline(
      res,
      ctx.runner.run({ kind: 'custom', input }, runOptions(res)),
    );
    sendWork(res, ctx, jsonSafe(out.result), out);
  });
}
