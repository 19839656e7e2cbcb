import { availableParallelism } from 'node:os';
import type { RouteTable } from '../route-table';
import { LIMITS, type ServiceContext } from '../service-context';

export function defineProbeRoutes(routes: RouteTable, ctx: ServiceContext): void {
  routes.define('get', '/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  routes.define('get', '/readyz', (_req, res) => {
    const { ready, draining } = ctx.state;
    if (!ready || draining) {
      res.setHeader('Retry-After', '1');
      res.status(503).json({ status: draining ? 'draining' : 'starting' });
      return;
    }
    res.json({ status: 'ready' });
  });

  routes.define('get', '/info', (_req, res) => {
    res.json({
      model: ctx.model,
      pid: process.pid,
      workers: ctx.workers,
      cpus: availableParallelism(),
      node: process.version,
      limits: {
        maxQueue: ctx.config.maxQueue,
        requestTimeoutMs: ctx.config.requestTimeoutMs,
        shutdownTimeoutMs: ctx.config.shutdownTimeoutMs,
        admission: ctx.config.admission,
        ...LIMITS,
      },
      runner: ctx.runner.stats(),
    });
  });

  routes.define('get', '/metrics', async (req, res) => {
    const { contentType, body } = await ctx.metricsProvider(req.headers.accept);
    res.type(contentType).send(body);
  });
}
