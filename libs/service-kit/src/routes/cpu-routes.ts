import { intParam, parseQuery } from '../params';
import { underDeadline, getDeadline } from '../request-deadline';
import { sendWork } from '../work-response';
import { parseThenAdmit, type RouteModule } from './route-module';

export const FIB_PARAMS = { n: intParam(0, 40) };
export const PRIMES_PARAMS = { limit: intParam(2, 20_000_000) };

export const defineCpuRoutes: RouteModule = (routes, ctx, admit) => {
  const fib = parseThenAdmit((req) => parseQuery(req.query, FIB_PARAMS), admit);
  routes.define('get', '/cpu/fib', fib.admit, async (_req, res) => {
    const { n } = fib.params(res);
    const { signal } = getDeadline(res);
    const out = await underDeadline(res, ctx.runner.run({ kind: 'fib', n }, { signal }));
    sendWork(res, ctx, out.result, out);
  });

  const primes = parseThenAdmit((req) => parseQuery(req.query, PRIMES_PARAMS), admit);
  routes.define('get', '/cpu/primes', primes.admit, async (_req, res) => {
    const { limit } = primes.params(res);
    const { signal } = getDeadline(res);
    const out = await underDeadline(res, ctx.runner.run({ kind: 'primes', limit }, { signal }));
    sendWork(res, ctx, out.result, out);
  });
};
