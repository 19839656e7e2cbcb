import type { Express, Request, Response } from 'express';
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { isIPv6, Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { modelInfo, type ModelName } from '@concurrency-lab/models';
import { loadCustomWorkload, type CustomWorkload } from '@concurrency-lab/workloads';
import {
  answerBadHost,
  answerUnroutable,
  badHost,
  clientErrorHandler,
  MAX_HEADER_LINES,
} from './client-errors';
import { loadConfig, type ServiceConfig } from './config';
import type { CounterStore } from './counter-store';
import { createApp } from './create-app';
import { EventLoopMonitor } from './event-loop-monitor';
import { exitOnFatalErrors, flushSpans } from './fatal-errors';
import { KeepAliveDrain } from './keep-alive-drain';
import { claimLifeline, LIFELINE_LOST_MESSAGE, LIFELINE_REASON, watchLifeline } from './lifeline';
import { closeLingering } from './lingering-close';
import { createLogger, type Logger } from './logger';
import { queueMetricsObserver, WorkQueue } from '@concurrency-lab/queues';
import { observeLockMetrics } from './lock-metrics';
import { deferContinue } from './request-body';
import { markUnmetExpectation } from './unmet-expectation';
import {
  LIMITS,
  type MetricsProvider,
  type ServiceContext,
  type ServiceState,
} from './service-context';
import { FreshRuns } from './fresh-runs';
import {
  createServiceMetrics,
  metricsText,
  wantsOpenMetrics,
  type ServiceMetrics,
} from './service-metrics';
import type { WorkRunner } from './work-runner';

/** What a model supplies: where work runs and where the counter lives. */
export interface ModelRuntime {
  runner: WorkRunner;
  counter: CounterStore;
  /** Threads/processes for `/info`. @default runner.workers */
  workers?: number;
  metricsProvider?: MetricsProvider;
  /** Called last during shutdown, after in-flight requests finished. */
  close?(): Promise<void>;
}

export interface ServiceOptions {
  model: string;
  config: ServiceConfig;
  runtime: ModelRuntime;
  /** The operator's workload (`LAB_WORKLOAD`), loaded: served on `GET /work/custom`. */
  workload?: CustomWorkload;
  logger?: Logger;
  metrics?: ServiceMetrics;
}

export type ShutdownOutcome = 'clean' | 'timeout';

export interface Service {
  readonly app: Express;
  readonly server: Server;
  readonly ctx: ServiceContext;
  /** Listens on `config.port`/`config.host`; readiness turns 200 once bound. */
  listen(): Promise<AddressInfo>;
  /**
   * Graceful stop: readiness 503, stop accepting, let in-flight requests finish, close idle
   * keep-alive sockets; after `shutdownTimeoutMs` the rest are cut (`'timeout'`). Idempotent.
   */
  shutdown(): Promise<ShutdownOutcome>;
}

export function createService(options: ServiceOptions): Service {
  const { model, config, runtime } = options;
  const logger = options.logger ?? createLogger(model, config.logLevel);
  const metrics = options.metrics ?? createServiceMetrics(model);
  const state: ServiceState = {
    ready: false,
    draining: false,
    inFlightWork: 0,
    bodyBytesInFlight: 0,
    refuseNewWorkAt: Number.POSITIVE_INFINITY,
  };
  const fetchQueue = new WorkQueue({
    name: 'upstream-fetch',
    concurrency: LIMITS.upstreamConcurrency,
    maxQueue: config.maxQueue,
    observer: queueMetricsObserver({
      size: metrics.queueSize,
      waitSeconds: metrics.queueWaitSeconds,
    }),
  });
  const lockObservation = observeLockMetrics(metrics);
  // Present from the start, so dashboards show an empty queue rather than no data.
  metrics.queueSize.set({ queue: fetchQueue.name }, 0);
  const { maxEventLoopDelayMs, maxEventLoopUtilization, sampleIntervalMs } = config.admission;
  const loop =
    maxEventLoopDelayMs > 0 || maxEventLoopUtilization > 0
      ? new EventLoopMonitor({
          maxDelayMs: maxEventLoopDelayMs,
          maxUtilization: maxEventLoopUtilization,
          sampleIntervalMs,
          ...(runtime.runner.pendingLoopWorkMs
            ? { pendingWorkMs: () => runtime.runner.pendingLoopWorkMs?.() ?? 0 }
            : {}),
        })
      : undefined;
  const ctx: ServiceContext = {
    model,
    config,
    runner: runtime.runner,
    counter: runtime.counter,
    metrics,
    metricsProvider: sharedScrapes(
      runtime.metricsProvider ?? ((accept) => metricsText(metrics.registry, accept)),
    ),
    logger,
    state,
    workers: runtime.workers ?? runtime.runner.workers,
    fetchQueue,
    loop,
    workload: options.workload ? { workload: options.workload, next: 0 } : undefined,
  };
  const app = createApp(ctx);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const hostRefused = badHost(req);
    if (hostRefused !== undefined) answerBadHost(res, hostRefused);
    // With a `done` of ours: express's own (finalhandler) answers what no route could even be
    // looked up for with an HTML page. express types the three-argument call on its own
    // request and response, which these become inside it.
    else app(req as Request, res as Response, () => answerUnroutable(req, res));
  };
  const server = createServer(
    {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      keepAliveTimeout: config.http.keepAliveTimeoutMs,
      maxHeaderSize: config.http.maxHeaderSize,
      connectionsCheckingInterval: config.http.connectionsCheckIntervalMs,
      // Answered by `onRequest`, as problem+json (Node's own 400 has an empty body).
      requireHostHeader: false,
    },
    onRequest,
  );
  // The second limit of the head, beside its bytes (see MAX_HEADER_LINES): Node's default, set
  // here so that the 431 says what the server enforces.
  server.maxHeadersCount = MAX_HEADER_LINES;
  // What Node refuses before the app sees a request: problem+json instead of a bare status line.
  server.on('clientError', clientErrorHandler(config.http));
  // `CONNECT`: without a listener Node destroys the socket unanswered. The app answers it like
  // any method a route does not have (405 with `Allow`, or 404), then the connection closes.
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    // Node takes its own error listener (socketOnError) off a socket it hands over here: a
    // client's reset would be an uncaught exception, the end of the service. Destroyed instead,
    // the socket's close ends the request (499 when unanswered) as on any other connection.
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    // What follows a CONNECT's head is tunnel data, never a request: not read, closed lingering.
    // Detached, the socket's close no longer reaches the response, so its 'close' — where the
    // request ends (gauge, duration, deadline) — is emitted here on the next tick, as Node's
    // own server does once a response finishes. Without it every CONNECT stayed in
    // `http_server_active_requests` for ever.
    res.once('finish', () => {
      res.detachSocket(socket);
      closeLingering(socket);
      process.nextTick(() => res.emit('close'));
    });
    onRequest(req, res);
  });
  // `Expect: 100-continue`: Node would send `100 Continue` at once. Held back until the body is
  // read (`readBody`), so a request refused from its headers (a declared body over the limit, a
  // bad parameter, admission) gets its final answer instead and its body is never sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    deferContinue(res);
    server.emit('request', req, res);
  });
  // Any other `Expect:`: Node would answer a bare 417; the app answers it as a problem.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    markUnmetExpectation(req);
    server.emit('request', req, res);
  });
  const keepAlive = new KeepAliveDrain(server);
  let shutdownPromise: Promise<ShutdownOutcome> | undefined;

  const listen = () =>
    new Promise<AddressInfo>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: config.port, host: config.host, backlog: config.listenBacklog }, () => {
        server.off('error', reject);
        loop?.rebase(); // starting up is not load: admission measures from here
        state.ready = true;
        resolve(server.address() as AddressInfo);
      });
    });

  const drain = async (): Promise<ShutdownOutcome> => {
    state.draining = true;
    state.refuseNewWorkAt = performance.now() + config.shutdownTimeoutMs / 2;
    const closed = new Promise<void>((resolve) => {
      if (!server.listening) resolve();
      // net's close, not http's: since Node 19 http.Server#close also cuts every idle
      // keep-alive connection at once, racing requests already on their way (see KeepAliveDrain).
      else NetServer.prototype.close.call(server, () => resolve());
    });
    keepAlive.start();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs);
    });
    const outcome = await Promise.race([closed.then(() => 'clean' as const), timedOut]);
    keepAlive.stop();
    clearTimeout(timer);
    if (outcome === 'timeout') {
      logger.warn(
        { inFlightWork: state.inFlightWork },
        'shutdown timeout: closing remaining connections',
      );
      server.closeAllConnections();
      await closed;
    }
    loop?.close();
    await fetchQueue.shutdown({ immediate: true });
    lockObservation.unobserve();
    await runtime.runner.close();
    await runtime.close?.();
    return outcome;
  };

  return {
    app,
    server,
    ctx,
    listen,
    shutdown: () => (shutdownPromise ??= drain()),
  };
}

export interface RunServiceOptions {
  /** The model's registry label; its registry port is the default `PORT`. */
  model: ModelName;
  env?: NodeJS.ProcessEnv;
  /**
   * The `msg` of the log line announcing the bound port. Tooling waits for `listening`; a
   * cluster worker says `worker listening` so only its primary announces the whole model.
   * @default 'listening'
   */
  listeningMessage?: string;
  /**
   * How long the process stays after its drain before it exits. A `node:cluster` worker needs a
   * moment: a connection the primary handed to it just before it learnt the listener closed is
   * refused back to the primary (and given to another worker) only while this process is alive
   * to answer — exited, the primary keeps that socket and its client hangs.
   * @default 0
   */
  lingerBeforeExitMs?: number;
  /** Flushed after the drain and before exit, so the last requests' spans survive SIGTERM. */
  tracing?: { shutdown(): Promise<void> };
  /**
   * Whether SIGTERM, SIGINT and SIGHUP drain this process, and the end of its lifeline
   * (`LAB_LIFELINE`: the process that started it is gone). A cluster worker says false: those are
   * its primary's, which asks it to drain (`stop`), and it ignores them itself.
   * @default true
   */
  handleSignals?: boolean;
  /** Builds the model's runner and counter; `metrics` is the process registry to add to. */
  createRuntime: RuntimeFactory<ModelRuntime>;
}

/**
 * How a model builds a part of itself (its runtime, a cluster worker's runner) once the process
 * has its config, logger and metrics registry — the order `runService` makes them in.
 */
export type RuntimeFactory<T> = (
  config: ServiceConfig,
  logger: Logger,
  metrics: ServiceMetrics,
) => T | Promise<T>;

/**
 * The signals a single-process service drains on: SIGTERM (a supervisor's stop), SIGINT (Ctrl-C)
 * and SIGHUP (its terminal closed: to the whole foreground group, the pool's processes too).
 * Left to SIGHUP's default action, procpool died with its requests in flight and its socket
 * directory left in the temp folder. A cluster primary keeps SIGHUP for its rolling restart.
 */
export const DRAIN_SIGNALS = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
] as const satisfies readonly NodeJS.Signals[];

/**
 * A model's `main`: read the config, build the runtime, listen, and shut down gracefully on
 * SIGTERM, SIGINT or SIGHUP, or when its lifeline ends (`LAB_LIFELINE`: the launcher that started
 * it is gone; one `warn` line says so first) — exit 0 when every in-flight request finished within
 * `SHUTDOWN_TIMEOUT_MS`, else 1. Logs one `listening` line with the bound port — tooling that
 * starts a service on `PORT=0` reads it.
 */
export interface RunningService extends Service {
  /**
   * The SIGTERM path, callable from elsewhere (a cluster primary's IPC, a pool that broke):
   * drain, flush the spans, then exit — `exitCode` (default 0) when the drain was clean, else 1.
   * Only the first call counts.
   */
  stop(reason: string, options?: { exitCode?: number }): void;
}

export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const env = options.env ?? process.env;
  let config: ServiceConfig;
  try {
    config = loadConfig(env, { port: modelInfo(options.model).port });
    // Before the workload module runs, so it inherits no lifeline; a cluster worker has none.
    if (options.handleSignals ?? true) claimLifeline(config.lifeline);
  } catch (error) {
    // `ERR_KIT_INVALID_CONFIG: Invalid configuration: WORKERS: …`, the code first, as the
    // workload's refusal below and the README say.
    const { code, message } = error as { code?: unknown; message?: unknown };
    process.stderr.write(`${typeof code === 'string' ? `${code}: ` : ''}${String(message)}\n`);
    process.exit(2);
  }
  // The operator's workload is loaded and checked before anything else starts: a broken module
  // stops the service here, like a bad variable, rather than failing every request.
  let workload: CustomWorkload | undefined;
  if (config.workload) {
    try {
      workload = await loadCustomWorkload(config.workload);
    } catch (error) {
      process.stderr.write(`${(error as { code?: string }).code}: ${(error as Error).message}\n`);
      process.exit(2);
    }
  }
  const logger = createLogger(options.model, config.logLevel);
  exitOnFatalErrors({ logger, tracing: options.tracing });
  // A signal that comes while the runtime starts (procpool's pool processes forked and its
  // socket directory made, a pool's threads warming up) is kept and honoured once the service
  // is up, by the same drain: left to its default action it would kill the process before any
  // of that is cleaned up.
  // The lifeline's end (the launcher is gone: nobody will send the SIGTERM) takes the same
  // path: kept while starting, the drain once up. (Claimed with the configuration above, so the
  // variable was gone from the environment before anything else ran.)
  let stopWhenUp: string | undefined;
  let requestStop = (reason: string): void => {
    stopWhenUp ??= reason;
  };
  const whileStarting = (signal: NodeJS.Signals) => requestStop(signal);
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    for (const signal of DRAIN_SIGNALS) process.on(signal, whileStarting);
    watchLifeline(config.lifeline, () => {
      logger.warn({ lifeline: config.lifeline }, LIFELINE_LOST_MESSAGE);
      requestStop(LIFELINE_REASON);
    });
  }
  const metrics = createServiceMetrics(options.model);
  const runtime = await options.createRuntime(config, logger, metrics);
  const service = createService({
    model: options.model,
    config,
    runtime,
    logger,
    metrics,
    ...(workload ? { workload } : {}),
  });
  const address = await service.listen();
  logger.info(
    {
      port: address.port,
      host: address.address,
      workers: service.ctx.workers,
      ...(workload ? { workload: workload.path } : {}),
      url: httpUrl(address.address, address.port),
    },
    options.listeningMessage ?? 'listening',
  );
  let stopping = false;
  const stop = (reason: string, { exitCode = 0 }: { exitCode?: number } = {}) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason, inFlightWork: service.ctx.state.inFlightWork }, 'shutting down');
    void service.shutdown().then(
      async (outcome) => {
        await flushSpans(options.tracing, { logger });
        logger.info({ outcome }, 'stopped');
        if (options.lingerBeforeExitMs)
          await new Promise((resolve) => setTimeout(resolve, options.lingerBeforeExitMs));
        process.exit(outcome === 'clean' ? exitCode : 1);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  if (handleSignals) {
    // The drain's handlers first: with no listener at all, a signal would get its default action.
    // (A signal's listener also gets the signal's number: not an argument of stop.)
    const onSignal = (signal: NodeJS.Signals) => stop(signal);
    for (const signal of DRAIN_SIGNALS) {
      process.once(signal, onSignal);
      process.off(signal, whileStarting);
    }
    requestStop = (reason) => stop(reason);
    if (stopWhenUp) stop(stopWhenUp);
  }
  return { ...service, stop };
}

/**
 * `/metrics` as scrapes share it: those that arrive while one is rendered (or, in a cluster,
 * asked of the primary) share the next rendering of their format (see {@link FreshRuns}). A
 * burst of scrapes then costs two renderings, not one each: each on its own, 300 at once held
 * `/healthz` for seconds, and in a cluster their calls to the primary timed out one behind
 * another (500s).
 */
function sharedScrapes(provider: MetricsProvider): MetricsProvider {
  const runs = new FreshRuns<boolean, Awaited<ReturnType<MetricsProvider>>>();
  return (accept) => runs.run(wantsOpenMetrics(accept), () => provider(accept));
}

/**
 * The URL of a service listening on `host`: an IPv6 address in brackets (`HOST=::` announced
 * `http://:::40173`, which no client parses).
 */
export function httpUrl(host: string, port: number): string {
  return `http://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}
