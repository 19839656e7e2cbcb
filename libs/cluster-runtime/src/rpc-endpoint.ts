import { tracedCall, tracedHandle, type TraceCarrier } from '@concurrency-lab/telemetry';
import { IPC_CANCELLED, IPC_NO_METHOD, IPC_TIMEOUT, RpcCallError, type RpcError } from './errors';

/**
 * Request/response over a Node IPC channel (a cluster worker's `process`, or the primary's
 * `Worker` object). Both sides use the same class: `handle` answers calls, `call` makes them.
 *
 *   → { kind: 'rpc', id, method, params }
 *   ← { kind: 'rpc-reply', id, ok: true, value } | { kind: 'rpc-reply', id, ok: false, error }
 *   → { kind: 'rpc-cancel', id }
 *
 * Errors travel as `{ code, message }`, so a stable code (ERR_WORKER_CRASHED, ...) survives the
 * process boundary. Every call has a timeout; a closed channel rejects every pending call.
 *
 * A call the caller gives up on (its signal aborted, or its timeout passed) is cancelled on the
 * other side too: the handler's `signal` aborts there, so work nobody waits for any more stops
 * (a cluster worker's request past its deadline must not leave its increment running in the
 * primary, nor its place in the primary's queue). A closed channel aborts every handler it was
 * running: whoever asked is gone.
 */
export interface IpcPort {
  /**
   * `callback` gets the error of a send that failed, as Node's `process.send` and
   * `Worker#send` take it: without one, a send on a closed channel is an 'error' event, which
   * nothing would handle.
   */
  send(message: unknown, callback?: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

export { RpcCallError, type RpcError };

type RpcMessage =
  | { kind: 'rpc'; id: number; method: string; params: unknown; trace?: TraceCarrier }
  | { kind: 'rpc-cancel'; id: number }
  | { kind: 'rpc-reply'; id: number; ok: true; value: unknown }
  | { kind: 'rpc-reply'; id: number; ok: false; error: RpcError };

/**
 * Methods called thousands of times per request (the counter's get/set/add batches, metrics
 * collection), and a worker's final metrics (no request's: a trace of its own per exit would be
 * noise): their context still travels, but they get no span of their own.
 */
export const QUIET_METHODS = new Set([
  'counter.get',
  'counter.set',
  'counter.add',
  'metrics.collect',
  'metrics.aggregate',
  'metrics.final',
]);

export interface CallOptions {
  /** @default 5000 */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * When `signal` aborts, settle only once the other side has answered the cancellation (its
   * handler stopped), within `timeoutMs`, instead of at once: for a caller that must know the
   * work it cancelled is over before it goes on (the counter's lock, released after its shares).
   * @default false
   */
  awaitCancelled?: boolean;
}

/** What a handler is given besides its params. */
export type RpcHandler<P, R> = (params: P, signal: AbortSignal) => R | Promise<R>;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class RpcEndpoint {
  readonly #port: IpcPort;
  readonly #handlers = new Map<string, RpcHandler<never, unknown>>();
  readonly #pending = new Map<number, Pending>();
  /** The calls this side is answering, by the caller's id: what a cancellation aborts. */
  readonly #answering = new Map<number, AbortController>();
  #nextId = 1;
  #closed = false;
  readonly #onMessage = (message: unknown) => this.#receive(message);

  constructor(port: IpcPort) {
    this.#port = port;
    port.on('message', this.#onMessage);
  }

  handle<P, R>(method: string, handler: RpcHandler<P, R>): void {
    this.#handlers.set(method, handler);
  }

  /** Calls `method` on the other side, inside a CLIENT span whose context travels along. */
  call<R>(method: string, params?: unknown, options: CallOptions = {}): Promise<R> {
    return tracedCall(
      method,
      (trace) => this.#call<R>(method, params, options, trace),
      !QUIET_METHODS.has(method),
    );
  }

  #call<R>(method: string, params: unknown, options: CallOptions, trace: TraceCarrier): Promise<R> {
    if (this.#closed) return Promise.reject(channelClosed());
    const id = this.#nextId++;
    return new Promise<R>((resolve, reject) => {
      const { signal } = options;
      /** Set once `signal` aborted: whatever the other side answers then, the call failed. */
      let aborted = false;
      const cancel = () => this.#send({ kind: 'rpc-cancel', id });
      const onAbort = () => {
        cancel();
        aborted = true;
        // Settled by the other side's answer (or the timeout) when asked to wait for it.
        if (!options.awaitCancelled) settle(() => reject(signal?.reason));
      };
      const settle = (fn: () => void) => {
        if (!this.#pending.delete(id)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const timer = setTimeout(() => {
        cancel();
        settle(() =>
          reject(
            aborted
              ? signal?.reason
              : new RpcCallError({ code: IPC_TIMEOUT, message: `${method} timed out` }),
          ),
        );
      }, options.timeoutMs ?? 5000);
      this.#pending.set(id, {
        resolve: (value) => settle(() => (aborted ? reject(signal?.reason) : resolve(value as R))),
        reject: (error) => settle(() => reject(aborted ? signal?.reason : error)),
        timer,
      });
      if (signal?.aborted) {
        // Never sent: nothing to cancel over there.
        settle(() => reject(signal.reason));
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#send({ kind: 'rpc', id, method, params, trace });
    });
  }

  /**
   * Rejects every pending call and aborts every handler still running (the other side is gone)
   * and stops listening.
   */
  close(): void {
    this.#closed = true;
    this.#port.off('message', this.#onMessage);
    for (const pending of [...this.#pending.values()]) pending.reject(channelClosed());
    for (const answering of [...this.#answering.values()]) answering.abort(channelClosed());
  }

  #send(message: RpcMessage): void {
    // Closed: a reply or a cancellation has nobody to go to.
    if (this.#closed) return;
    try {
      // A failed send (the channel closed under us) is not an error of its own: pending calls
      // are failed by close() or their timeout.
      this.#port.send(message, () => undefined);
    } catch {
      // the same, from a port that throws instead
    }
  }

  #receive(raw: unknown): void {
    const message = raw as Partial<RpcMessage> | null;
    if (!message || typeof message !== 'object') return;
    if (message.kind === 'rpc-reply' && typeof message.id === 'number') {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      if (message.ok) pending.resolve((message as { value: unknown }).value);
      else pending.reject(new RpcCallError((message as { error: RpcError }).error));
      return;
    }
    if (message.kind === 'rpc-cancel' && typeof message.id === 'number') {
      this.#answering
        .get(message.id)
        ?.abort(new RpcCallError({ code: IPC_CANCELLED, message: 'the caller gave up' }));
      return;
    }
    if (
      message.kind === 'rpc' &&
      typeof message.id === 'number' &&
      typeof message.method === 'string'
    ) {
      const { params, trace } = message as { params: unknown; trace?: TraceCarrier };
      void this.#answer(message.id, message.method, params, trace);
    }
  }

  async #answer(
    id: number,
    method: string,
    params: unknown,
    trace: TraceCarrier | undefined,
  ): Promise<void> {
    const handler = this.#handlers.get(method);
    const controller = new AbortController();
    this.#answering.set(id, controller);
    try {
      if (!handler)
        throw new RpcCallError({ code: IPC_NO_METHOD, message: `no handler for ${method}` });
      // The caller's trace continues here, in a SERVER span of this process.
      const value = await tracedHandle(
        method,
        trace,
        () => handler(params as never, controller.signal),
        !QUIET_METHODS.has(method),
      );
      this.#send({ kind: 'rpc-reply', id, ok: true, value });
    } catch (error) {
      const e = error as { code?: unknown; message?: string };
      this.#send({
        kind: 'rpc-reply',
        id,
        ok: false,
        error: {
          code: typeof e.code === 'string' ? e.code : 'ERR_INTERNAL',
          message: e.message ?? String(error),
        },
      });
    } finally {
      this.#answering.delete(id);
    }
  }
}

/** A call's failure when its channel closed: the other process is gone (`ERR_WORKER_CRASHED`). */
export function channelClosed(): RpcCallError {
  return new RpcCallError({
    code: 'ERR_WORKER_CRASHED',
    message: 'the IPC channel closed (the other process is gone)',
  });
}
