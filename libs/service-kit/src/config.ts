import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { z } from 'zod';

/** The contract's configuration, read from the environment (see shared CONTRACT.md). */
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

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, { error: `expected an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const schema = z.object({
  PORT: int(0, 65535).optional(),
  HOST: z.string().min(1).optional(),
  WORKERS: int(1, 256).optional(),
  MAX_QUEUE: int(1, 1_000_000).optional(),
  REQUEST_TIMEOUT_MS: int(1, 3_600_000).optional(),
  SHUTDOWN_TIMEOUT_MS: int(1, 3_600_000).optional(),
  UPSTREAM_URL: z
    .url({ protocol: /^https?$/ })
    // zod runs refinements even after the URL check failed, hence canParse first.
    .refine((u) => !URL.canParse(u) || (!new URL(u).search && !new URL(u).hash), {
      error: 'expected an http(s) URL without a query or fragment',
    })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  LISTEN_BACKLOG: int(1, 65535).optional(),
  LAB_WORKLOAD: z
    .string()
    .refine((p) => isAbsolute(p), { error: 'expected an absolute path to a module file' })
    .optional(),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_INVALID_CONFIG';
}

/**
 * @throws ConfigError naming every bad variable, what it expected and what it got — a service
 * must refuse to start on a typo rather than run with a silent default.
 */
export function loadConfig(env: NodeJS.ProcessEnv, defaults: { port: number }): ServiceConfig {
  const present = Object.fromEntries(
    Object.keys(schema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0]);
      return `${key}: ${i.message}, got \`${env[key]}\``;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const c = parsed.data;
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
