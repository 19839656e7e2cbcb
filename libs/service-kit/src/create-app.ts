import express, { type Express } from 'express';
import helmet from 'helmet';
import { performance } from 'node:perf_hooks';
import { admission } from './admission';
import { problemHandler } from './problem-handler';
import { requestDeadline } from './request-deadline';
import { RouteTable } from './route-table';
import { defineCounterRoutes } from './routes/counter-routes';
import { defineCpuRoutes } from './routes/cpu-routes';
import { defineImageRoutes } from './routes/image-routes';
import { defineIoRoutes } from './routes/io-routes';
import { defineProbeRoutes } from './routes/probe-routes';
import type { ServiceContext } from './service-context';

/**
 * The contract's HTTP API as one express 5 app. Models differ only in `ctx.runner` (where CPU
 * work runs), `ctx.counter` (where the shared counter lives) and `ctx.metricsProvider`.
 */
export function createApp(ctx: ServiceContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // node:querystring: a repeated key becomes an array → 400
  app.set('etag', false);
  app.use(helmet());

  app.use((_req, res, next) => {
    res.locals['startedAt'] = performance.now();
    ctx.metrics.activeRequests.inc();
    res.once('close', () => {
      ctx.metrics.activeRequests.dec();
      ctx.metrics.requestDuration.observe(
        {
          method: _req.method,
          route: (res.locals['route'] as string | undefined) ?? 'unmatched',
          status_code: String(res.statusCode),
        },
        (performance.now() - (res.locals['startedAt'] as number)) / 1000,
      );
    });
    // Keep-alive sockets must not pin a draining server open.
    if (ctx.state.draining) res.setHeader('Connection', 'close');
    next();
  });
  app.use(requestDeadline(ctx.config.requestTimeoutMs));

  const router = express.Router({ strict: false, caseSensitive: true });
  const routes = new RouteTable(router);
  const admit = admission(ctx);
  defineProbeRoutes(routes, ctx);
  defineCpuRoutes(routes, ctx, admit);
  defineImageRoutes(routes, ctx, admit);
  defineIoRoutes(routes, ctx, admit);
  defineCounterRoutes(routes, ctx, admit);
  app.use(router);
  app.use(routes.fallback());
  app.use(problemHandler(ctx.logger, ctx.metrics));
  return app;
}
