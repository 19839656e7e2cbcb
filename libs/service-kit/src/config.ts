import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { envEnum, envInt, readEnv } from './env';
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
  /** Per-request deadline; past it the request answers 504 and its work is cancelled. @default 30000 */
  requestTimeoutMs: number;
  /** Graceful-shutdown budget after SIGTERM/SIGINT. @default 10000 */
  shutdownTimeoutMs: number;
  /** Where `/io/scrape` fetches pages. @default 'http://127.0.0.1:3100' */
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
    // zod runs refinements even after the URL check failed, hence canParse first.
    .refine((u) => !URL.canParse(u) || (!new URL(u).search && !new URL(u).hash), {
      error: 'expected an http(s) URL without a query or fragment',
    }),
  LOG_LEVEL: envEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  LISTEN_BACKLOG: envInt(1, 65535),
  LAB_WORKLOAD: z
    .string()
    .refine((p) => isAbsolute(p), { error: 'expected an absolute path to a module file' }),
};

export { ConfigError };

/**
 * @throws ConfigError naming every bad variable, what it expected and what it got — a service
 * must refuse to start on a typo rather than run with a silent default.
 */
export function loadConfig(env: NodeJS.ProcessEnv, defaults: { port: number }): ServiceConfig {
  const c = readEnv(env, SERVICE_ENV);
  return {
    port: c.PORT ?? defaults.port,
    host: c.HOST ?? '127.0.0.1',
    workers: c.WORKERS ?? availableParallelism(),
    maxQueue: c.MAX_QUEUE ?? 1000,
    requestTimeoutMs: c.REQUEST_TIMEOUT_MS ?? 30_000,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    upstreamUrl: (c.UPSTREAM_URL ?? 'http://127.0.0.1:3100').replace(/\/+$/, ''),
    logLevel: c.LOG_LEVEL ?? 'info',
    listenBacklog: c.LISTEN_BACKLOG ?? 2048,
    workload: c.LAB_WORKLOAD,
  };
}
