import { performance } from 'node:perf_hooks';
import { Barrier, Mutex } from '@concurrency-lab/locks';
import { RPC, type IncrementParams } from './counter-protocol';
import type { RpcEndpoint } from './rpc-endpoint';

/**
 * Runs one share of an increment request in one of the model's other processes (which increments
 * the manager's value over its own channel), resolving once the share is done.
 *
 * `ready` is for a share that can still be refused once it runs (procpool's: the manager's socket
 * may answer `busy`). Called once the share can no longer be refused, it resolves when every
 * share of the request has called it, and rejects if the request is given up first (cancelled,
 * or another share failed). A share that waits for it before its first change leaves the value
 * as it was when its request fails before that point, so a 503 that invites a retry never
 * counts twice. Either every share of a manager waits for it or none does: cluster's shares,
 * which nothing refuses, never call it.
 */
export type ShareRunner = (
  share: IncrementParams,
  signal?: AbortSignal,
  ready?: () => Promise<void>,
) => Promise<unknown>;

/**
 * A shared counter held by one process — Python's `multiprocessing.Manager`: the value lives in
 * one process (a cluster's primary; procpool's HTTP process) and every other process reaches it
 * over a channel. Operations on the holder are atomic (one event loop, no await inside), so `add`
 * is exact; `get` then `set` from two processes interleave and lose updates.
 */
export class CounterManager {
  #value = 0;
  readonly #requests = new Mutex({ name: 'counter' });
  readonly #parties: () => readonly ShareRunner[];

  /** @param parties one share runner per process that takes part in an increment request now */
  constructor(parties: () => readonly ShareRunner[]) {
    this.#parties = parties;
  }

  get value(): number {
    return this.#value;
  }

  reset(): void {
    this.#value = 0;
  }

  /** Registers the counter's methods on one process's endpoint. */
  serve(rpc: RpcEndpoint): void {
    rpc.handle(RPC.counterGet, () => this.#value);
    rpc.handle(RPC.counterSet, ({ value }: { value: number }) => {
      this.#value = value;
      return this.#value;
    });
    rpc.handle(RPC.counterAdd, ({ delta }: { delta: number }) => (this.#value += delta));
    rpc.handle(RPC.counterReset, () => (this.#value = 0));
    rpc.handle(RPC.counterIncrement, (params: IncrementParams, signal) =>
      this.increment(params, signal),
    );
  }

  /**
   * Splits `times` over every party, which increment concurrently; answers before/after. One
   * increment request at a time across the whole model: each request's before/after then
   * describes that request alone (the races it shows are its own processes', not a neighbour's).
   * Aborting `signal` gives up waiting for the turn and cancels the shares.
   */
  increment(
    params: IncrementParams,
    signal?: AbortSignal,
  ): Promise<{ expected: number; actual: number; waitedMs: number }> {
    const asked = performance.now();
    return this.#requests.withLock(
      async () => {
        // How long the request waited for its turn: its answer's Server-Timing `queue`.
        const waitedMs = performance.now() - asked;
        return { ...(await this.#increment(params, signal)), waitedMs };
      },
      signal ? { signal } : undefined,
    );
  }

  /**
   * The shares of one request. When one fails (its process died) or the request is cancelled,
   * the others are cancelled too, and the turn ends only once every share has settled — else a
   * share still running would add to the next request's before/after.
   */
  async #increment(
    { times, safe }: IncrementParams,
    signal: AbortSignal | undefined,
  ): Promise<{ expected: number; actual: number }> {
    signal?.throwIfAborted(); // given up on between the turn's grant and now
    const before = this.#value;
    const parties = this.#parties();
    if (parties.length === 0) {
      throw Object.assign(new Error('no live process to increment the counter'), {
        code: 'ERR_WORKER_CRASHED',
      });
    }
    const count = Math.min(parties.length, times);
    if (count === 0) return { expected: before, actual: before }; // times 0: no share to run
    // The shares stop when the request is cancelled or one of them fails.
    const failed = new AbortController();
    const shares = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
    // Where the shares that ask (`ready`) meet before any of them adds: broken as the request is
    // given up, so that none then waits on one that will never come.
    const start = new Barrier({ parties: count, name: 'counter-shares' });
    const ready = async () => {
      await start.wait({ signal: shares });
    };
    let failure: { reason: unknown } | undefined;
    await Promise.allSettled(
      parties.slice(0, count).map((run, i) =>
        run(
          { times: Math.floor(times / count) + (i < times % count ? 1 : 0), safe },
          shares,
          ready,
        ).catch((error: unknown) => {
          // The first failure is the request's; the others are its consequence.
          failure ??= { reason: error };
          failed.abort(error);
        }),
      ),
    );
    if (signal?.aborted) throw signal.reason;
    if (failure) throw failure.reason;
    return { expected: before + times, actual: this.#value };
  }
}
