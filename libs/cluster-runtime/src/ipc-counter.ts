import type { CounterStore, IncrementResult } from '@concurrency-lab/service-kit';
import {
  INCREMENT_TIMEOUT_MARGIN_MS,
  MAX_ROUND_TRIPS_PER_SHARE,
  RPC,
  type IncrementParams,
} from './counter-protocol';
import type { RpcEndpoint } from './rpc-endpoint';

/** A cluster worker's view of the counter the primary holds. */
export class IpcCounter implements CounterStore {
  readonly #rpc: RpcEndpoint;
  readonly #timeoutMs: number;

  /** @param requestTimeoutMs the requests' deadline (`REQUEST_TIMEOUT_MS`) */
  constructor(rpc: RpcEndpoint, requestTimeoutMs: number) {
    this.#rpc = rpc;
    this.#timeoutMs = requestTimeoutMs + INCREMENT_TIMEOUT_MARGIN_MS;
  }

  increment(times: number, safe: boolean, signal: AbortSignal): Promise<IncrementResult> {
    return this.#rpc.call<IncrementResult>(
      RPC.counterIncrement,
      { times, safe },
      { signal, timeoutMs: this.#timeoutMs },
    );
  }

  read(): Promise<number> {
    return this.#rpc.call<number>(RPC.counterGet);
  }

  async reset(): Promise<void> {
    await this.#rpc.call(RPC.counterReset);
  }
}

/**
 * One share of an increment request, done by this process against the manager's value over
 * `rpc`. Unsafe: `get`, then `set` to what was read plus a batch — another process's `set` in
 * between is overwritten (the lost update). Safe: one atomic `add` per batch on the manager.
 * Aborting `signal` stops it before its next batch.
 */
export async function runCounterShare(
  rpc: RpcEndpoint,
  { times, safe }: IncrementParams,
  signal?: AbortSignal,
): Promise<number> {
  const batch = Math.max(1, Math.ceil(times / MAX_ROUND_TRIPS_PER_SHARE));
  for (let done = 0; done < times;) {
    signal?.throwIfAborted();
    const step = Math.min(batch, times - done);
    if (safe) {
      await rpc.call(RPC.counterAdd, { delta: step });
    } else {
      const seen = await rpc.call<number>(RPC.counterGet);
      await rpc.call(RPC.counterSet, { value: seen + step });
    }
    done += step;
  }
  return times;
}

/** The shares a worker is running, so that it leaves only once they are done. */
export interface ShareTracker {
  /** Resolves once no share is running (at once if none is). */
  idle(): Promise<void>;
}

/** A cluster worker does its share when the primary asks (`counter.share`). */
export function serveCounterShare(rpc: RpcEndpoint): ShareTracker {
  let running = 0;
  let waiting: Array<() => void> = [];
  rpc.handle(RPC.counterShare, async (share: IncrementParams, signal) => {
    running++;
    try {
      return await runCounterShare(rpc, share, signal);
    } finally {
      if (--running === 0) {
        for (const wake of waiting) wake();
        waiting = [];
      }
    }
  });
  return {
    idle: () =>
      running === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve)),
  };
}
