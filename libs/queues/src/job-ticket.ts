import type { ListNode } from './linked-list';

/** What a job receives. */
export interface JobContext {
  /**
   * Aborts when the caller's signal aborts or the work queue shuts down immediately; pass it
   * to `fetch`, timers, child work. Created on first read, so jobs that ignore it cost nothing.
   */
  readonly signal: AbortSignal;
}

export type Job<R> = (context: JobContext) => R | PromiseLike<R>;

/**
 * One `run()` call from admission to settlement. It is also the job's `JobContext` (one object
 * per job instead of two: this is the work queue's hot path).
 */
export class JobTicket<R> implements JobContext {
  readonly job: Job<R>;
  readonly promise: Promise<R>;
  readonly callerSignal: AbortSignal | undefined;
  resolve!: (value: R) => void;
  reject!: (reason: unknown) => void;
  /** Its place in the work queue's pending or running line. */
  node: ListNode<JobTicket<unknown>> | null = null;
  enqueuedAt = 0;
  /** The caller got an answer (a result, an error, or the abort reason). */
  answered = false;
  onCallerAbort: (() => void) | undefined;
  #controller: AbortController | undefined;
  #aborted = false;
  #abortReason: unknown;

  constructor(job: Job<R>, callerSignal: AbortSignal | undefined) {
    this.job = job;
    this.callerSignal = callerSignal;
    this.promise = new Promise<R>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#aborted && !this.#controller.signal.aborted)
      this.#controller.abort(this.#abortReason);
    return this.#controller.signal;
  }

  /** Answers the caller once; later answers (the job finishing after an abort) are dropped. */
  answer(ok: boolean, value: unknown): void {
    if (this.answered) return;
    this.answered = true;
    if (ok) this.resolve(value as R);
    else this.reject(value);
  }

  /** Aborts the job's signal (now if someone holds it, else when it is first read). */
  abortJob(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }
}
