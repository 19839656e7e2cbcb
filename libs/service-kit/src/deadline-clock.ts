import { performance } from 'node:perf_hooks';
import { ClientGoneError, DeadlineExceededError, ProblemError } from './errors';

export { ClientGoneError, DeadlineExceededError };

/** Per-request cancellation, on `res.locals.deadline`. */
export interface RequestDeadline {
  /**
   * Aborts when the deadline passes or the client disconnects; hand it to all the work. Made on
   * first read (already aborted if the request is already dead): a request that starts no
   * cancellable work never pays for an AbortController.
   */
  readonly signal: AbortSignal;
  /** `performance.now()` value at which the deadline passes. */
  readonly at: number;
  /** Throws the 504 problem if the deadline has passed (for work that could not be interrupted). */
  check(): void;
  /**
   * Waits `ms` on a timer (the I/O stand-in of `/io/sleep` and `/mixed`), or rejects with the
   * abort reason as soon as the request dies, clearing the timer. Cancellable without an
   * AbortSignal: a signal-aware `timers/promises` delay costs several µs per request more.
   */
  sleep(ms: number): Promise<void>;
}

/**
 * One request's deadline, a node of its clock's list. It ends once: expired by the clock,
 * cancelled by the client leaving, or released when the response closes.
 */
export class Deadline implements RequestDeadline {
  readonly at: number;
  readonly timeoutMs: number;
  prev: Deadline | undefined;
  next: Deadline | undefined;
  /** Still in its clock's list. */
  linked = true;
  #reason: Error | undefined;
  #controller: AbortController | undefined;
  /** Rejects the pending `race`s of this request when it dies. */
  #onAbort: ((reason: Error) => void) | undefined;

  constructor(at: number, timeoutMs: number) {
    this.at = at;
    this.timeoutMs = timeoutMs;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  check(): void {
    if (this.#reason instanceof DeadlineExceededError || performance.now() > this.at) {
      throw deadlineProblem(this.timeoutMs);
    }
  }

  abort(reason: Error): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const onAbort = this.#onAbort;
    this.#onAbort = undefined;
    onAbort?.(reason);
  }

  /** `work`, or the abort reason as soon as the request dies — whichever settles first. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.#reason) return Promise.reject(this.#reason);
    return new Promise<T>((resolve, reject) => {
      this.#onDeath(reject);
      work.then(resolve, reject);
    });
  }

  sleep(ms: number): Promise<void> {
    if (this.#reason) return Promise.reject(this.#reason);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      this.#onDeath((reason) => {
        clearTimeout(timer);
        reject(reason);
      });
    });
  }

  /**
   * Adds `fn` to what runs when the request dies. Waits that settled before are not removed:
   * rejecting a settled promise or clearing a fired timer is a no-op, and the list dies with
   * the request.
   */
  #onDeath(fn: (reason: Error) => void): void {
    const previous = this.#onAbort;
    this.#onAbort = previous
      ? (reason) => {
          previous(reason);
          fn(reason);
        }
      : fn;
  }
}

/**
 * The deadlines of every request in flight, in one list and under one timer. Every request gets
 * the same `timeoutMs`, so deadlines arrive in expiry order: adding is an append, finishing an
 * unlink, and a single timer armed for the oldest deadline serves them all — no timer or closure
 * per request. The timer only exists while requests are in flight.
 */
export class DeadlineClock {
  readonly timeoutMs: number;
  #head: Deadline | undefined;
  #tail: Deadline | undefined;
  #timer: NodeJS.Timeout | undefined;
  #size = 0;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  /** Deadlines being tracked (requests in flight). */
  get size(): number {
    return this.#size;
  }

  /** Whether a timer is scheduled (false whenever nothing is in flight). */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** A new request's deadline, `timeoutMs` from now. */
  start(): Deadline {
    const deadline = new Deadline(performance.now() + this.timeoutMs, this.timeoutMs);
    deadline.prev = this.#tail;
    if (this.#tail) this.#tail.next = deadline;
    else this.#head = deadline;
    this.#tail = deadline;
    this.#size++;
    this.#timer ??= this.#arm(this.timeoutMs);
    return deadline;
  }

  /** The response closed: stop tracking; a client that left before the answer aborts the work. */
  finish(deadline: RequestDeadline, clientGone: boolean): void {
    if (!(deadline instanceof Deadline)) return;
    this.#unlink(deadline);
    if (clientGone) deadline.abort(new ClientGoneError('client disconnected'));
  }

  #unlink(deadline: Deadline): void {
    if (!deadline.linked) return;
    deadline.linked = false;
    if (deadline.prev) deadline.prev.next = deadline.next;
    else this.#head = deadline.next;
    if (deadline.next) deadline.next.prev = deadline.prev;
    else this.#tail = deadline.prev;
    deadline.prev = deadline.next = undefined;
    this.#size--;
    if (this.#size === 0 && this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.#fire(), ms);
    // In-flight requests keep the process alive through their sockets, not through this timer.
    timer.unref();
    return timer;
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    while (this.#head && this.#head.at <= now) {
      const expired = this.#head;
      this.#unlink(expired);
      expired.abort(new DeadlineExceededError(`deadline of ${this.timeoutMs} ms exceeded`));
    }
    // Timers may fire a little early against performance.now(); round up to stay late.
    if (this.#head) this.#timer = this.#arm(Math.max(1, Math.ceil(this.#head.at - now)));
  }
}

export function deadlineProblem(timeoutMs: number): ProblemError {
  return new ProblemError(
    'ERR_DEADLINE_EXCEEDED',
    `The request did not complete within its deadline of ${timeoutMs} ms; its work was cancelled`,
  );
}
