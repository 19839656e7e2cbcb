import {
  ConfigError,
  envInt,
  envNumber,
  readEnv,
  type EnvSchema,
  type EnvShape,
  type EnvValues,
} from '@concurrency-lab/service-kit/env';

/** How the upstream site behaves. Every field is validated by {@link resolveUpstreamOptions}. */
export interface UpstreamOptions {
  /**
   * Number of pages served at `/page/1` … `/page/{pages}` (1 to 10000).
   * @default 50
   */
  pages: number;
  /**
   * Base delay before every page response, in milliseconds (0 to 60000).
   * @default 0
   */
  latencyMs: number;
  /**
   * Extra delay added to `latencyMs`, drawn from the seeded PRNG in [0, jitterMs] (0 to 60000).
   * @default 0
   */
  jitterMs: number;
  /**
   * Probability (0 to 1) that a page request fails with `failureStatus`, drawn from the seeded
   * PRNG.
   * @default 0
   */
  failureRate: number;
  /**
   * The status a failed page answers (an integer from 500 to 599): 503 is a busy site, 500 a
   * broken one, 502/504 a proxy in front of it giving up.
   * @default 503
   */
  failureStatus: number;
  /**
   * Fault switch: probability (0 to 1) that a page request gets `spikeMs` of extra latency on
   * top of `latencyMs` and jitter — the rare slow answer behind a tail latency.
   * @default 0 (off)
   */
  spikeRate: number;
  /**
   * The extra latency of a spike, in milliseconds (0 to 60000). The default is past the
   * scraper's 5 s per-page timeout, so a spike is a timeout for the client, not just a slow page.
   * @default 6000
   */
  spikeMs: number;
  /**
   * Fault switch: probability (0 to 1) that a page's connection is reset (TCP RST) after its
   * headers and half its body were sent — the client sees a 200 whose body fails mid-way, the
   * hardest reset to handle.
   * @default 0 (off)
   */
  resetRate: number;
  /**
   * Seed of the PRNG behind jitter and failures (an unsigned 32-bit integer).
   * @default 1
   */
  seed: number;
}

export const DEFAULT_UPSTREAM_OPTIONS: Readonly<UpstreamOptions> = Object.freeze({
  pages: 50,
  latencyMs: 0,
  jitterMs: 0,
  failureRate: 0,
  failureStatus: 503,
  spikeRate: 0,
  spikeMs: 6000,
  resetRate: 0,
  seed: 1,
});

/** The inclusive ranges each option must fall into; shared by env parsing and programmatic use. */
const LIMITS = {
  pages: { min: 1, max: 10_000, integer: true },
  latencyMs: { min: 0, max: 60_000, integer: true },
  jitterMs: { min: 0, max: 60_000, integer: true },
  failureRate: { min: 0, max: 1, integer: false },
  failureStatus: { min: 500, max: 599, integer: true },
  spikeRate: { min: 0, max: 1, integer: false },
  spikeMs: { min: 0, max: 60_000, integer: true },
  resetRate: { min: 0, max: 1, integer: false },
  seed: { min: 0, max: 4_294_967_295, integer: true },
} as const satisfies Record<keyof UpstreamOptions, { min: number; max: number; integer: boolean }>;

const ENV_NAMES = {
  pages: 'UPSTREAM_PAGES',
  latencyMs: 'UPSTREAM_LATENCY_MS',
  jitterMs: 'UPSTREAM_JITTER_MS',
  failureRate: 'UPSTREAM_FAILURE_RATE',
  failureStatus: 'UPSTREAM_FAILURE_STATUS',
  spikeRate: 'UPSTREAM_SPIKE_RATE',
  spikeMs: 'UPSTREAM_SPIKE_MS',
  resetRate: 'UPSTREAM_RESET_RATE',
  seed: 'UPSTREAM_SEED',
} as const satisfies Record<keyof UpstreamOptions, string>;

const KEYS = Object.keys(LIMITS) as (keyof UpstreamOptions)[];

/** Each variable's schema, from the same limits as the options given in code. */
const UPSTREAM_ENV = Object.fromEntries(
  KEYS.map((key) => {
    const { min, max, integer } = LIMITS[key];
    return [ENV_NAMES[key], integer ? envInt(min, max) : envNumber(min, max)];
  }),
) as Record<(typeof ENV_NAMES)[keyof UpstreamOptions], EnvSchema<number>>;

function describe(key: keyof UpstreamOptions): string {
  const { min, max, integer } = LIMITS[key];
  return `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;
}

function inRange(key: keyof UpstreamOptions, value: number): boolean {
  const { min, max, integer } = LIMITS[key];
  return (
    Number.isFinite(value) && (!integer || Number.isInteger(value)) && value >= min && value <= max
  );
}

/**
 * Fills in defaults and validates options given in code, so a typo in a test or bench
 * fails loudly instead of serving, say, `NaN` ms of latency.
 * @throws ConfigError `ERR_KIT_INVALID_CONFIG` naming the option, what it expected and what it got
 */
export function resolveUpstreamOptions(options: Partial<UpstreamOptions> = {}): UpstreamOptions {
  const resolved: UpstreamOptions = { ...DEFAULT_UPSTREAM_OPTIONS };
  for (const key of KEYS) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !inRange(key, value)) {
      throw new ConfigError(`Expected \`${key}\` to be ${describe(key)}, got \`${String(value)}\``);
    }
    resolved[key] = value;
  }
  return resolved;
}

/**
 * Reads `UPSTREAM_PAGES`, `UPSTREAM_LATENCY_MS`, `UPSTREAM_JITTER_MS`, `UPSTREAM_FAILURE_RATE`,
 * `UPSTREAM_FAILURE_STATUS`, the fault switches `UPSTREAM_SPIKE_RATE`, `UPSTREAM_SPIKE_MS` and
 * `UPSTREAM_RESET_RATE`, and `UPSTREAM_SEED` with the repository's env reader: unset or empty
 * takes the default; anything else must be a plain decimal in range.
 * @throws ConfigError `ERR_KIT_INVALID_CONFIG` naming every bad variable and the value it had
 */
export function upstreamOptionsFromEnv(env: NodeJS.ProcessEnv): UpstreamOptions {
  return readUpstreamEnv(env, {}).options;
}

/**
 * {@link upstreamOptionsFromEnv} and the caller's own variables (`shape`: the listening address)
 * in one reading, so that an error names every bad variable of both, as the env reader promises.
 * @throws ConfigError `ERR_KIT_INVALID_CONFIG` naming every bad variable and the value it had
 */
export function readUpstreamEnv<S extends EnvShape>(
  env: NodeJS.ProcessEnv,
  shape: S,
): { options: UpstreamOptions; values: EnvValues<S> } {
  const values = readEnv(env, { ...UPSTREAM_ENV, ...shape });
  const options: UpstreamOptions = { ...DEFAULT_UPSTREAM_OPTIONS };
  for (const key of KEYS) options[key] = values[ENV_NAMES[key]] ?? options[key];
  return { options, values };
}
