import { threadId } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { boolParam, intParam, NO_PARAMS, parseQuery } from '../params';
import { getDeadline, underDeadline } from '../request-deadline';
import { sendWork } from '../work-response';
import { parseThenAdmit, type RouteModule } from './route-module';

export const INCREMENT_PARAMS = { times: intParam(1, 1_000_000), safe: boolParam() };

export const defineCounterRoutes: RouteModule = (routes, ctx, admit) => {
  const increment = parseThenAdmit((req) => parseQuery(req.query, INCREMENT_PARAMS), admit);
  routes.define('post', '/counter/increment', increment.admit, async (_req, res) => {
    const { times, safe } = increment.params(res);
    const { signal } = getDeadline(res);
    const started = performance.now();
    const { waitedMs = 0, ...counts } = await underDeadline(
      res,
      ctx.counter.increment(times, safe, signal),
    );
    // The wait for the request's turn is queue time (a lock's wait), not work: three
    // concurrent increments read `queue;dur=0, work;dur=1905` for the last one before.
    const queueMs = Math.min(waitedMs, performance.now() - started);
    sendWork(
      res,
      ctx,
      { ...counts, times, safe },
      { queueMs, workMs: performance.now() - started - queueMs, threadId },
    );
  });

  routes.define('get', '/counter', async (req, res) => {
    parseQuery(req.query, NO_PARAMS);
    res.json({ model: ctx.model, value: await ctx.counter.read() });
  });

  routes.define('delete', '/counter', async (req, res) => {
    parseQuery(req.query, NO_PARAMS);
    await ctx.counter.reset();
    res.json({ model: ctx.model, value: await ctx.counter.read() });
  });
};
