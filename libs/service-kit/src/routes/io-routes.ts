import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { ProblemError } from '../errors';
import { intParam, parseQuery } from '../params';
import { getDeadline, runOptions, sleepUnderDeadline, underDeadline } from '../request-deadline';
import { scrapePages } from '../scrape';
import { LIMITS } from '../service-context';
import { sendWork } from '../work-response';
import { parseThenAdmit, type RouteModule } from './route-module';

export const SLEEP_PARAMS = { ms: intParam(0, 10_000) };
export const SCRAPE_PARAMS = { pages: intParam(1, 50) };
export const MIXED_PARAMS = { ms: intParam(0, 10_000), n: intParam(0, 40) };

export const defineIoRoutes: RouteModule = (routes, ctx, admit) => {
  const sleep = parseThenAdmit((req) => parseQuery(req.query, SLEEP_PARAMS), admit);
  routes.define('get', '/io/sleep', sleep.admit, async (_req, res) => {
    const { ms } = sleep.params(res);
    const started = performance.now();
    await sleepUnderDeadline(res, ms);
    sendWork(
      res,
      ctx,
      { sleptMs: ms },
      { queueMs: 0, workMs: performance.now() - started, threadId },
    );
  });

  const scrape = parseThenAdmit((req) => parseQuery(req.query, SCRAPE_PARAMS), admit);
  routes.define('get', '/io/scrape', scrape.admit, async (_req, res) => {
    const { pages } = scrape.params(res);
    const { signal } = getDeadline(res);
    const started = performance.now();
    const results = await underDeadline(
      res,
      scrapePages({
        upstreamUrl: ctx.config.upstreamUrl,
        pages,
        concurrency: LIMITS.scrapeConcurrency,
        queue: ctx.fetchQueue,
        pageTimeoutMs: LIMITS.scrapePageTimeoutMs,
        signal,
      }),
    );
    if (results.every((page) => 'error' in page)) {
      const first = results[0];
      throw new ProblemError(
        'ERR_UPSTREAM',
        `All ${pages} pages failed from ${ctx.config.upstreamUrl}` +
          (first && 'error' in first ? ` (first: ${first.error.code}: ${first.error.detail})` : ''),
      );
    }
    sendWork(res, ctx, results, { queueMs: 0, workMs: performance.now() - started, threadId });
  });

  const mixed = parseThenAdmit((req) => parseQuery(req.query, MIXED_PARAMS), admit);
  routes.define('get', '/mixed', mixed.admit, async (_req, res) => {
    const { ms, n } = mixed.params(res);
    const started = performance.now();
    await sleepUnderDeadline(res, ms);
    const out = await underDeadline(res, ctx.runner.run({ kind: 'fib', n }, runOptions(res)));
    sendWork(
      res,
      ctx,
      { sleptMs: ms, fib: out.result },
      {
        queueMs: out.queueMs,
        workMs: performance.now() - started - out.queueMs,
        threadId: out.threadId,
      },
    );
  });
};
