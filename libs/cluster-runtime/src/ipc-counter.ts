import type { CounterStore, IncrementResult } from '@concurrency-lab/service-kit';
import { MAX_ROUND_TRIPS_PER_SHARE, RPC, type IncrementParams } from './counter-protocol';
import type { RpcEndpoint } from './rpc-endpoint';

/** A cluster worker's view of the counter the primary holds. */
export class IpcCounter implements CounterStore {
  readonly #rpc: RpcEndpoint;
  readonly #timeoutMs: number;

  constructor(rpc: RpcEndpoint, timeoutMs: number) {
    this.#rpc = rpc;
    this.#timeoutMs = timeoutMs;
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
 * This worker's share of an increment request, run when the primary asks. Unsafe: `get`, then
 * `set` to what was read plus a batch — another worker's `set` in between is overwritten (the
 * lost update). Safe: one atomic `add` per batch on the primary.
 */
export function serveCounterShare(rpc: RpcEndpoint): void {
  rpc.handle(RPC.counterShare, async ({ times, safe }: IncrementParams) => {
    const batch = Math.max(1, Math.ceil(times / MAX_ROUND_TRIPS_PER_SHARE));
    for (let done = 0; done < times;) {
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
  });
}
