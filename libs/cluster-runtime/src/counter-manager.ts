import { Mutex } from '@concurrency-lab/locks';
import { RPC, type IncrementParams } from './counter-protocol';
import type { RpcEndpoint } from './rpc-endpoint';

/**
 * The cluster's shared counter, held by the primary — like Python's `multiprocessing.Manager`:
 * the value lives in one process and every other process reaches it over IPC. Operations on the
 * primary are atomic (one event loop, no await inside), so `add` is exact; `get` then `set` from
 * two workers interleave and lose updates.
 */
export class CounterManager {
  #value = 0;
  readonly #requests = new Mutex({ name: 'counter' });
  readonly #workers: () => RpcEndpoint[];
  readonly #shareTimeoutMs: number;

  constructor(workers: () => RpcEndpoint[], shareTimeoutMs: number) {
    this.#workers = workers;
    this.#shareTimeoutMs = shareTimeoutMs;
  }

  get value(): number {
    return this.#value;
  }

  /** Registers the counter's methods on one worker's endpoint. */
  serve(rpc: RpcEndpoint): void {
    rpc.handle(RPC.counterGet, () => this.#value);
    rpc.handle(RPC.counterSet, ({ value }: { value: number }) => {
      this.#value = value;
      return this.#value;
    });
    rpc.handle(RPC.counterAdd, ({ delta }: { delta: number }) => (this.#value += delta));
    rpc.handle(RPC.counterReset, () => (this.#value = 0));
    rpc.handle(RPC.counterIncrement, (params: IncrementParams) => this.increment(params));
  }

  /** Splits `times` over every live worker, which increment concurrently; answers before/after. */
  /**
   * One increment request at a time across the whole cluster: each request's before/after then
   * describes that request alone (the races it shows are its own processes', not a neighbour's).
   */
  increment(params: IncrementParams): Promise<{ expected: number; actual: number }> {
    return this.#requests.withLock(() => this.#increment(params));
  }

  async #increment({
    times,
    safe,
  }: IncrementParams): Promise<{ expected: number; actual: number }> {
    const before = this.#value;
    const workers = this.#workers();
    if (workers.length === 0) {
      throw Object.assign(new Error('no live worker to increment the counter'), {
        code: 'ERR_WORKER_CRASHED',
      });
    }
    const parties = Math.min(workers.length, times);
    await Promise.all(
      workers
        .slice(0, parties)
        .map((rpc, i) =>
          rpc.call(
            RPC.counterShare,
            { times: Math.floor(times / parties) + (i < times % parties ? 1 : 0), safe },
            { timeoutMs: this.#shareTimeoutMs },
          ),
        ),
    );
    return { expected: before + times, actual: this.#value };
  }
}
