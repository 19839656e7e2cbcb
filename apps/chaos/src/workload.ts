import { performance } from 'node:perf_hooks';
import { Load } from './load/load-generator';

/**
 * The overload and soak workload: fib(27), a few milliseconds of pure CPU — enough that the
 * event loop (async), the pool (threads, procpool) or the workers (cluster, hybrid) is the
 * bottleneck, not HTTP parsing or the load generator.
 */
export const CPU_PATH = '/cpu/fib?n=27';
/** Closed-loop connections for the capacity measurement: several per core, no more. */
export const CAPACITY_CONNECTIONS = 16;
/** A request without an answer after this long is lost (well past any budget). */
export const CLIENT_TIMEOUT_MS = 35_000;

/** Accepted requests per second on {@link CPU_PATH}, after a 1 s warm-up. */
export async function measureCapacity(base: string, durationMs: number): Promise<number> {
  await new Load({
    base,
    path: CPU_PATH,
    connections: CAPACITY_CONNECTIONS,
    durationMs: 1000,
    timeoutMs: CLIENT_TIMEOUT_MS,
  }).done;
  const load = new Load({
    base,
    path: CPU_PATH,
    connections: CAPACITY_CONNECTIONS,
    durationMs,
    timeoutMs: CLIENT_TIMEOUT_MS,
  });
  const started = performance.now();
  await load.done;
  return load.stats.accepted / ((performance.now() - started) / 1000);
}

/**
 * Whether `url` answers 200 within `timeoutMs`, body included: a poll of {@link timeUntil},
 * which checks its deadline only between polls — a bare `fetch` waits for headers up to
 * undici's 300 s, and one poll of a service that never answers held a 30 s deadline that long.
 */
export async function servedWithin(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await answer.arrayBuffer();
    return answer.status === 200;
  } catch {
    return false; // refused, reset, or too slow: not served this time
  }
}

/**
 * Resolves when `check` holds (polled every `everyMs`), with the time it took; undefined past
 * `withinMs`.
 */
export async function timeUntil(
  check: () => boolean | Promise<boolean>,
  withinMs: number,
  everyMs = 25,
): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < withinMs) {
    if (await check()) return performance.now() - started;
    await sleep(everyMs);
  }
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
