import type { Inspectable, LockInspection, WaiterInfo } from './common/lock-stats';
import { validate } from './common/validate';
import { InvalidArgumentError } from './errors';

/** One stuck primitive: who holds it and who has waited at least the threshold. */
export interface StallReport extends LockInspection {
  /** The longest wait in progress, in ms. */
  readonly longestWaitMs: number;
  /** Only the waiters past the threshold, oldest first. */
  readonly waiters: readonly WaiterInfo[];
}

export interface WatchdogOptions {
  /** Waits at least this long (ms) are reported. */
  readonly thresholdMs: number;
  /**
   * How often `start()` checks, in ms.
   * @default thresholdMs / 2, at least 10
   */
  readonly intervalMs?: number;
  /** Receives every stall a periodic check finds (again on each check while it lasts). */
  readonly onStall?: (report: StallReport) => void;
}

/**
 * Reports waits that last longer than a threshold, with the holders and waiters of each
 * primitive, for both families. This is what catches what the wait-for graph cannot: a
 * cross-thread cycle, a semaphore nobody releases, an event nobody sets, a thread that died
 * holding a lock. Shared primitives keep holders and waiters in shared memory, so one
 * watchdog on the main thread sees the waits of every worker.
 *
 * @example
 * using watchdog = new LockWatchdog({ thresholdMs: 5000, onStall: (r) => log.warn(r) })
 *   .watch(mutex, semaphore)
 *   .start();
 */
export class LockWatchdog implements Disposable {
  readonly thresholdMs: number;
  readonly intervalMs: number;
  readonly #onStall: ((report: StallReport) => void) | undefined;
  readonly #watched = new Set<Inspectable>();
  #timer: NodeJS.Timeout | undefined = undefined;

  constructor(options: WatchdogOptions) {
    const record = validate.object(options, 'options');
    this.thresholdMs = validate.integer(record['thresholdMs'], 'thresholdMs', 0, 0x7fffffff);
    this.intervalMs =
      record['intervalMs'] === undefined
        ? Math.max(10, Math.floor(this.thresholdMs / 2))
        : validate.integer(record['intervalMs'], 'intervalMs', 1, 0x7fffffff);
    this.#onStall =
      record['onStall'] === undefined
        ? undefined
        : validate.function<(report: StallReport) => void>(record['onStall'], 'onStall');
  }

  watch(...locks: Inspectable[]): this {
    for (const lock of locks) {
      if (typeof lock?.inspect !== 'function') {
        throw new InvalidArgumentError(
          'Expected every watched lock to have inspect(), got one without',
        );
      }
      this.#watched.add(lock);
    }
    return this;
  }

  unwatch(lock: Inspectable): void {
    this.#watched.delete(lock);
  }

  /** Checks every watched primitive now; returns the stalls (does not call onStall). */
  check(): StallReport[] {
    const reports: StallReport[] = [];
    for (const lock of this.#watched) {
      const inspection = lock.inspect();
      const stalled = inspection.waiters
        .filter((waiter) => waiter.waitedMs >= this.thresholdMs)
        .sort((a, b) => b.waitedMs - a.waitedMs);
      if (stalled.length === 0) continue;
      reports.push({
        ...inspection,
        waiters: stalled,
        longestWaitMs: stalled[0]?.waitedMs ?? 0,
      });
    }
    return reports;
  }

  /**
   * Checks every `intervalMs` until stopped. The timer is unref'd: it never keeps a process alive.
   */
  start(): this {
    if (this.#timer !== undefined) return this;
    this.#timer = setInterval(() => {
      for (const report of this.check()) {
        try {
          this.#onStall?.(report);
        } catch (error) {
          process.emitWarning(`a watchdog onStall handler threw: ${String(error)}`, {
            code: 'LOCKS_WATCHDOG_HANDLER_FAILED',
          });
        }
      }
    }, this.intervalMs);
    this.#timer.unref();
    return this;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  [Symbol.dispose](): void {
    this.stop();
  }
}
