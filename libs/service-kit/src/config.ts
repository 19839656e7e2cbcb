import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { UPSTREAM } from '@concurrency-lab/models';
import { z } from 'zod';
import { envEnum, envInt, envNumber, LIFELINE_ENV, readEnv } from './env';
import type { LifelineKind } from './lifeline';
import { ConfigError } from './errors';

/** The contract's configuration, read from the environment (docs/contract.md). */
export interface ServiceConfig {
  /** @default the model's port in the registry (`@concurrency-lab/models`); 0 = any free port */
  port: number;
  /** @default '127.0.0.1' (containers set 0.0.0.0) */
  host: string;
  /** Threads or processes. @default os.availableParallelism() */
  workers: number;
  /** Bound on pending work (requests admitted and not yet answered). @default 1000 */
  maxQueue: number;
  /**
   * Per-request deadline; past it the request answers 504 and its work is cancelled. @default 30000
   */
  requestTimeoutMs: number;
  /** Graceful-shutdown budget after SIGTERM/SIGINT (and SIGHUP: `DRAIN_SIGNALS`). @default 10000 */
  shutdownTimeoutMs: number;
  /** Where `/io/scrape` fetches pages. @default upstream on its registry port: :3100 */
  upstreamUrl: string;
  /** pino level. @default 'info' */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Connections the kernel may queue before the service accepts them (listen(2)'s backlog,
   * capped by net.core.somaxconn): thousands of clients connecting at once must not overflow
   * it into SYN retries. @default 2048
   */
  listenBacklog: number;
  /**
   * `LAB_WORKLOAD`: an absolute path to the operator's workload module, served on
   * `GET /work/custom`; unset, the route does not exist. @default undefined
   */
  workload: string | undefined;
  /**
   * `LAB_LIFELINE`: `stdin` (what the launcher sets) makes the process that handles the signals
   * (a single-process service, a cluster primary) drain and exit, as on SIGTERM, once its stdin
   * ends — the process that started it is gone (`watchLifeline`). @default undefined
   */
  lifeline: LifelineKind | undefined;
  /** Event-loop-aware admission: when new work is shed with 503 before any of it is read. */
  admission: AdmissionConfig;
  /** The HTTP server's own limits: what a slow or oversized client may hold. */
  http: HttpConfig;
}

export interface AdmissionConfig {
  /**
   * `MAX_EVENT_LOOP_DELAY_MS`: shed new work while the loop's delay passes this (0 = off). A
   * request that waits longer than this behind other work on the loop is better answered
   * 503 at once: ten of these still fit in a 1 s liveness probe's timeout.
   * @default 100
   */
  maxEventLoopDelayMs: number;
  /**
   * `MAX_EVENT_LOOP_UTILIZATION`: shed new work while the loop is busier than this share of
   * each sample interval (0..1; 0 = off). Off by default: a loop can be busy all the time while
   * every request waits only milliseconds (many short tasks, a cluster worker at capacity) — the
   * delay is what a client feels. Set it (e.g. 0.95) to keep headroom for bursts.
   * @default 0
   */
  maxEventLoopUtilization: number;
  /**
   * `EVENT_LOOP_SAMPLE_INTERVAL_MS`: how often the loop is sampled — how soon a saturated loop
   * is noticed and left.
   * @default 100
   */
  sampleIntervalMs: number;
}

export interface HttpConfig {
  /**
   * `HTTP_HEADERS_TIMEOUT_MS`: a client has this long to send its headers (Node: 60 s), then
   * gets 408. Short, so trickling headers (slowloris) hold a socket seconds, not a minute.
   * @default 10000
   */
  headersTimeoutMs: number;
  /**
   * `HTTP_REQUEST_TIMEOUT_MS`: a client has this long to send its whole request, body
   * included (Node: 300 s) — 8 MiB at 2.2 Mbit/s. At least `HTTP_HEADERS_TIMEOUT_MS`.
   * (Not `REQUEST_TIMEOUT_MS`, the deadline of the work once the request is in.)
   * @default 30000
   */
  requestTimeoutMs: number;
  /**
   * `HTTP_KEEP_ALIVE_TIMEOUT_MS`: an idle keep-alive connection is closed after this. Set
   * explicitly: Node's default changed between releases (5 s, then 65 s).
   * @default 5000
   */
  keepAliveTimeoutMs: number;
  /**
   * `HTTP_MAX_HEADER_SIZE`: bytes of request line and headers together; past it Node answers
   * 431 (Node: 16 KiB, process-wide through `--max-http-header-size`; this is per server).
   * @default 16384
   */
  maxHeaderSize: number;
  /**
   * `HTTP_CONNECTIONS_CHECK_INTERVAL_MS`: how often the two timeouts above are enforced (Node:
   * 30 s — a timeout is then up to that late).
   * @default 1000
   */
  connectionsCheckIntervalMs: number;
}

const SERVICE_ENV = {
  PORT: envInt(0, 65535),
  HOST: z.string().min(1),
  WORKERS: envInt(1, 256),
  MAX_QUEUE: envInt(1, 1_000_000),
  REQUEST_TIMEOUT_MS: envInt(1, 3_600_000),
  SHUTDOWN_TIMEOUT_MS: envInt(1, 3_600_000),
  UPSTREAM_URL: z
    .url({ protocol: /^https?$/ })
    // Any `?` or `#`, not only a non-empty query or fragment: WHATWG's URL reads `http://h:1?`
    // and `http://h:1#` as an empty `search` and `hash`, yet the scrape's page URLs are built
    // from the text, and `http://h:1?/page/1` fetches `/` with a query.
    .refine((u) => !u.includes('?') && !u.includes('#'), {
      error: 'expected an http(s) URL without a query or fragment (no `?` or `#`)',
    }),
  LOG_LEVEL: envEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  LISTEN_BACKLOG: envInt(1, 65535),
  LAB_WORKLOAD: z
    .string()
    .refine((p) => isAbsolute(p), { error: 'expected an absolute path to a module file' }),
  ...LIFELINE_ENV,
  MAX_EVENT_LOOP_DELAY_MS: envInt(0, 60_000),
  MAX_EVENT_LOOP_UTILIZATION: envNumber(0, 1),
  EVENT_LOOP_SAMPLE_INTERVAL_MS: envInt(10, 10_000),
  HTTP_HEADERS_TIMEOUT_MS: envInt(1, 3_600_000),
  HTTP_REQUEST_TIMEOUT_MS: envInt(1, 3_600_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: envInt(0, 3_600_000),
  HTTP_MAX_HEADER_SIZE: envInt(1024, 1_048_576),
  HTTP_CONNECTIONS_CHECK_INTERVAL_MS: envInt(10, 600_000),
};

export { ConfigError };

/** A variable the service kit reads (docs/contract.md's configuration table). */
export type ServiceEnvVariable = keyof typeof SERVICE_ENV;

/**
 * Every variable `loadConfig` reads, in the order docs/contract.md lists them: the test that
 * holds that table to the code reads this, so a variable added here and not there fails it.
 */
export const SERVICE_ENV_VARIABLES: readonly ServiceEnvVariable[] = Object.freeze(
  Object.keys(SERVICE_ENV) as ServiceEnvVariable[],
);

/**
 * @throws ConfigError naming every bad variable, what it expected and what it got — a service
 * must refuse to start on a typo rather than run with a silent default.
 */
export function loadConfig(env: NodeJS.ProcessEnv, defaults: { port: number }): ServiceConfig {
  const c = readEnv(env, SERVICE_ENV);
  const http: HttpConfig = {
    headersTimeoutMs: c.HTTP_HEADERS_TIMEOUT_MS ?? 10_000,
    requestTimeoutMs: c.HTTP_REQUEST_TIMEOUT_MS ?? 30_000,
    keepAliveTimeoutMs: c.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 5000,
    maxHeaderSize: c.HTTP_MAX_HEADER_SIZE ?? 16_384,
    connectionsCheckIntervalMs: c.HTTP_CONNECTIONS_CHECK_INTERVAL_MS ?? 1000,
  };
  // Node refuses the pair the other way round (ERR_OUT_OF_RANGE at createServer): say so here.
  if (http.headersTimeoutMs > http.requestTimeoutMs) {
    throw new ConfigError(
      `Invalid configuration: HTTP_HEADERS_TIMEOUT_MS: expected at most HTTP_REQUEST_TIMEOUT_MS (${http.requestTimeoutMs}), got \`${http.headersTimeoutMs}\``,
    );
  }
  return {
    port: c.PORT ?? defaults.port,
    host: c.HOST ?? '127.0.0.1',
    workers: c.WORKERS ?? availableParallelism(),
    maxQueue: c.MAX_QUEUE ?? 1000,
    requestTimeoutMs: c.REQUEST_TIMEOUT_MS ?? 30_000,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    upstreamUrl: (c.UPSTREAM_URL ?? `http://127.0.0.1:${UPSTREAM.port}`).replace(/\/+$/, ''),
    logLevel: c.LOG_LEVEL ?? 'info',
    admission: {
      maxEventLoopDelayMs: c.MAX_EVENT_LOOP_DELAY_MS ?? 100,
      maxEventLoopUtilization: c.MAX_EVENT_LOOP_UTILIZATION ?? 0,
      sampleIntervalMs: c.EVENT_LOOP_SAMPLE_INTERVAL_MS ?? 100,
    },
    http,
    listenBacklog: c.LISTEN_BACKLOG ?? 2048,
    workload: c.LAB_WORKLOAD,
    lifeline: c.LAB_LIFELINE,
  };
}
