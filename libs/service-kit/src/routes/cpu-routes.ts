import type { CpuTask } from '@concurrency-lab/workloads';
import { intParam, parseQuery, type ParamSpecs, type ParsedParams } from '../params';
import { runOptions, underDeadline } from '../request-deadline';
import { sendWork } from '../work-response';
import { parseThenAdmit, type RouteModule } from './route-module';

export const FIB_PARAMS = { n: intParam(0, 40) };
export const PRIMES_PARAMS = { limit: intParam(2, 20_000_000) };

export const defineCpuRoutes: RouteModule = (routes, ctx, admit) => {
  /** `GET path`: its parameters, as `task`, run by the model's runner under the deadline. */
  const cpuRoute = <S extends ParamSpecs>(
    path: string,
    specs: S,
    task: (params: ParsedParams<S>) => CpuTask,
  ) => {
    const parsed = parseThenAdmit((req) => parseQuery(req.query, specs), admit);
    routes.define('get', path, parsed.admit, async (_req, res) => {
      const out = await underDeadline(
        res,
        ctx.runner.run(task(parsed.params(res)), runOptions(res)),
      );
      sendWork(res, ctx, out.result, out);
    });
  };
  cpuRoute('/cpu/fib', FIB_PARAMS, ({ n }) => ({ kind: 'fib', n }));
  cpuRoute('/cpu/primes', PRIMES_PARAMS, ({ limit }) => ({ kind: 'primes', limit }));
};
