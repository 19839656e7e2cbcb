import { intParam, parseQuery } from '../params';
import { underDeadline, getDeadline } from '../request-deadline';
import { sendWork } from '../work-response';
import type { RouteModule } from './route-module';

export const FIB_PARAMS = { n: intParam(0, 40) };
export const PRIMES_PARAMS = { limit: intParam(2, 20_000_000) };

export const defineCpuRoutes: RouteModule = (routes, ctx, admit) => {
  routes.define('get', '/cpu/fib', admit, async (req, res) => {
    const { n } = parseQuery(req.query, FIB_PARAMS);
    const { signal } = getDeadline(res);
    const out = await underDeadline(res, ctx.runner.run({ kind: 'fib', n }, { signal }));
    sendWork(res, ctx, out.result, out);
  });

  routes.define('get', '/cpu/primes', admit, async (req, res) => {
    const { limit } = parseQuery(req.query, PRIMES_PARAMS);
    const { signal } = getDeadline(res);
    const out = await underDeadline(res, ctx.runner.run({ kind: 'primes', limit }, { signal }));
    sendWork(res, ctx, out.result, out);
  });
};
