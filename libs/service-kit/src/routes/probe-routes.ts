import { availableParallelism } from 'node:os';
import { ProblemError } from '../errors';
import type { RouteTable } from '../route-table';
import { LIMITS, type ServiceContext } from '../service-context';

export function defineProbeRoutes(routes: RouteTable, ctx: ServiceContext): void {
  routes.define('get', '/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Not ready is an error answer like any other (docs/contract.md: every error is
  // problem+json): 503 `ERR_SHUTTING_DOWN`, whose detail says why. A probe reads the status;
  // `lab_shed_total` does not count it (no request was shed).
  routes.define('get', '/readyz', (_req, res, next) => {
    const { ready, draining } = ctx.state;
    if (!ready || draining) {
      next(
        new ProblemError(
          'ERR_SHUTTING_DOWN',
          draining ? 'The service is draining for shutdown' : 'The service is starting',
          { retryAfterSeconds: 1 },
        ),
      );
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
