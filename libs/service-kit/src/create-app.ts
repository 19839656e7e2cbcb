import express, { type Express } from 'express';
import helmet from 'helmet';
import { performance } from 'node:perf_hooks';
import { activeTraceId } from '@concurrency-lab/telemetry';
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
    const traceId = activeTraceId();
    ctx.metrics.activeRequests.inc();
    res.once('close', () => {
      ctx.metrics.activeRequests.dec();
      ctx.metrics.requestDuration.observe({
        labels: {
          method: _req.method,
          route: (res.locals['route'] as string | undefined) ?? 'unmatched',
          status_code: String(res.statusCode),
        },
        value: (performance.now() - (res.locals['startedAt'] as number)) / 1000,
        // The trace of this very request, so a slow bucket links to a trace that explains it.
        // (prom-client types exemplar labels as the metric's own label names; any name is valid.)
        ...(traceId ? { exemplarLabels: { trace_id: traceId } as never } : {}),
      });
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
