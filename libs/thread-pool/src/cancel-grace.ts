/*
 * Cancelling a task that is already on a worker costs the worker: piscina terminates the thread,
 * the process pool kills the child, and a replacement boots (a thread: a new isolate and the task
 * module; a process: Node itself). For the common cancel — a client that hung up, each load
 * generator's last requests — the task would have ended microseconds later, and the replacement
 * costs far more than the rest of the task. So a running task gets a short grace: the request
 * answers at once (504, or nothing for a client gone), and the worker is stopped only if the task
 * is still running when the grace ends. A task still waiting in the queue leaves it at once, as
 * before: dropping it costs nothing.
 */

/**
 * How long a task already on a worker may run on after its request gave up on it, before its
 * worker is stopped. About what a replacement costs — measured here (2 cores, idle), from the
 * cancel to the replacement's first task: a pool thread 57–68 ms and 67–85 ms of CPU, a pool
 * process ~65 ms — which is the ski-rental rule: let the task run ("rent") until that has cost
 * as much as a replacement ("buy"), then stop it; never worse than twice the best choice made
 * knowing the task's length. Short beside a deadline (`REQUEST_TIMEOUT_MS`, 30 s by default):
 * a task that will not end soon still loses its worker a tenth of a second after the cancel.
 */
export const CANCEL_GRACE_MS = 100;

export interface CancelGraceOptions {
  /** How long a running task may go on after `signal` aborted; 0: no grace (stopped at once). */
  graceMs: number;
  /** Whether the task is on a worker now (read when `signal` aborts). */
  running: () => boolean;
  /**
   * Called as a running task's grace starts: a way to ask the task itself to stop (procpool cuts
   * a counter share's connection to its manager), so that it ends well within the grace.
   */
  onGrace?: () => void;
  /**
   * Whether the request is answered as soon as `signal` aborts (the default), or only once the
   * task has really ended — for a task whose end its caller must wait for (a counter share: the
   * request's turn ends when no share can add any more).
   * @default true
   */
  answerAtOnce?: boolean;
  /**
   * Ends a grace at once when it aborts (or at its start if aborted already): the pool is
   * closing, and nobody waits for the task any more — a grace would only hold the close up.
   */
  cutShort?: AbortSignal;
}

/**
 * Runs a pool task under `signal` with a grace for a running task: `start` gets the signal to
 * hand the pool, which aborts with `signal`'s reason at once while the task waits, and `graceMs`
 * later once it runs — unless the task settled by then. The promise returned is the request's
 * answer: it rejects with `signal.reason` as soon as `signal` aborts, without waiting for the
 * task; `start`'s own promise settles when the task really ends, so whatever `start` does then
 * (counts, spans, metrics) describes the worker's real use. With `graceMs` 0 the signal goes to
 * the pool unchanged. `onGrace` and `answerAtOnce: false` serve a task that can be asked to stop
 * and must be waited for (see CancelGraceOptions).
 */
export function withCancelGrace<T>(
  signal: AbortSignal,
  { graceMs, running, onGrace, answerAtOnce = true, cutShort }: CancelGraceOptions,
  start: (poolSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (graceMs <= 0 || signal.aborted) return start(signal);
  const pool = new AbortController();
  let grace: NodeJS.Timeout | undefined;
  const stop = () => pool.abort(signal.reason);
  const onAbort = () => {
    if (!running() || cutShort?.aborted) return stop();
    grace = setTimeout(stop, graceMs);
    cutShort?.addEventListener('abort', stop, { once: true });
    onGrace?.();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const task = start(pool.signal).finally(() => {
    signal.removeEventListener('abort', onAbort);
    cutShort?.removeEventListener('abort', stop);
    clearTimeout(grace);
  });
  if (!answerAtOnce) return task;
  return new Promise<T>((resolve, reject) => {
    const answer = () => reject(signal.reason);
    signal.addEventListener('abort', answer, { once: true });
    // After an abort the task's own outcome arrives too late to matter (the promise has
    // rejected already), and is handled here: never an unhandled rejection.
    task.then(resolve, reject).finally(() => signal.removeEventListener('abort', answer));
  });
}
