import type { AcquireOptions } from '../common/acquire-options';
import { parseLockOptions, type LockOptions } from '../common/lock-options';
import type { Inspectable, LockInspection, LockStats } from '../common/lock-stats';
import { validate } from '../common/validate';
import { BarrierBrokenError } from '../errors';
import { WaitList } from './wait-list';

export interface BarrierOptions extends LockOptions {
  /** How many waits make one cycle. */
  readonly parties: number;
  /**
   * Runs once per cycle, by the last arrival, before anyone is released. If it throws, the barrier
   * breaks.
   */
  readonly action?: () => void;
  /**
   * Default timeout of each `wait`; when it elapses the barrier breaks.
   * @default Infinity
   */
  readonly timeout?: number;
}

/**
 * Python's `threading.Barrier`: `parties` waits meet, the last one runs `action`, and all are
 * released together with distinct indexes 0..parties-1 (arrival order). Then it is reusable.
 *
 * Broken state (`ERR_LOCK_BARRIER_BROKEN` for every waiter and every later wait, until `reset()`):
 * `abort()`, an action that throws, or a waiter that times out or is aborted — once one party
 * gives up, the cycle can no longer complete, so the others are told instead of hanging. The
 * waiter that gave up gets its own reason (`ERR_LOCK_TIMEOUT` or the signal's reason). A wait
 * whose signal is already aborted gives up before arriving, whichever party it would be: even
 * the last one does not complete the cycle (nor run `action`), and it breaks the barrier.
 */
export class Barrier implements Inspectable {
  readonly parties: number;
  readonly #action: (() => void) | undefined;
  readonly #timeout: number;
  readonly #waiters: WaitList;
  #broken = false;
  #cycles = 0;

  constructor(options: BarrierOptions) {
    const { name, observer, record } = parseLockOptions(options, 'Barrier');
    this.parties = validate.integer(record['parties'], 'parties', 1, 2 ** 31 - 1);
    this.#action = validate.optionalFunction<() => void>(record['action'], 'action');
    this.#timeout = validate.timeout(record['timeout']);
    this.#waiters = new WaitList(name, 'Barrier', observer, () => this.#break());
  }

  get name(): string {
    return this.#waiters.name;
  }

  /** Parties waiting in the current cycle. */
  get waiting(): number {
    return this.#waiters.size;
  }

  get broken(): boolean {
    return this.#broken;
  }

  /** Completed cycles. */
  get cycles(): number {
    return this.#cycles;
  }

  /** Waits for the cycle to fill; resolves with this party's arrival index. */
  wait(options?: AcquireOptions): Promise<number> {
    try {
      const parsed = validate.waitOptions(options);
      const timeout = options?.timeout === undefined ? this.#timeout : parsed.timeout;
      const signal = parsed.signal;
      if (this.#broken) throw new BarrierBrokenError(`${this.name} is broken`);
      const index = this.#waiters.size;
      const last = index + 1 === this.parties;
      // An aborted signal refuses every party, the last one too: it would otherwise complete
      // the cycle and run the action for a caller that already gave up. A zero timeout refuses
      // only a party that would have to wait.
      if (!last || signal?.aborted) {
        const refusal = this.#waiters.refuse(timeout, signal);
        if (refusal !== undefined) {
          this.#break();
          throw refusal as unknown; // a timeout error or the signal's reason, whatever it is
        }
      }
      if (!last) return this.#waiters.add<number>(timeout, signal, undefined, index).promise;
      try {
        this.#action?.();
      } catch (error) {
        this.#break();
        throw error;
      }
      this.#cycles++;
      this.#waiters.passedAtOnce();
      while (this.#waiters.wakeOne(true)) {
        // the whole cycle is released in this one synchronous step
      }
      return Promise.resolve(index);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Breaks the barrier: every waiter, and every wait until `reset()`, gets ERR_LOCK_BARRIER_BROKEN.
   */
  abort(): void {
    this.#break();
  }

  /** Back to empty and unbroken; current waiters get ERR_LOCK_BARRIER_BROKEN. */
  reset(): void {
    this.#waiters.breakAll(`${this.name} was reset`);
    this.#broken = false;
  }

  get stats(): LockStats {
    return this.#waiters.stats;
  }

  inspect(): LockInspection {
    return this.#waiters.inspect();
  }

  #break(): void {
    this.#broken = true;
    this.#waiters.breakAll(`${this.name} is broken`);
  }
}
