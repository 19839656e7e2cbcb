import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { LoopGate, type LoopLimits, type LoopSample, type LoopShedReason } from './event-loop-gate';

export interface EventLoopMonitorOptions extends LoopLimits {
  /** How often the loop is sampled (ms): how soon a saturated loop is noticed, and left. */
  sampleIntervalMs: number;
  /**
   * Work already queued on this loop (ms, estimated; see `WorkRunner.pendingLoopWorkMs`):
   * delay to come, counted against `maxDelayMs` before it shows in a sample.
   */
  pendingWorkMs?: () => number;
}

/** The heartbeat's period (ms), the finest delay the monitor can see. */
const RESOLUTION_MS = 10;

/**
 * Watches this thread's event loop and says whether new work should be shed: a sample every
 * `sampleIntervalMs` — the longest delay of a heartbeat timer in the interval and the interval's
 * `performance.eventLoopUtilization` — goes through a {@link LoopGate} (hysteresis). Between
 * samples it also notices a loop that was blocked *just now*: when the heartbeat is overdue by
 * more than `maxDelayMs` the loop has been stuck at least that long — whatever gets through
 * first after a long CPU task (the requests read in the same poll phase) is shed, although no
 * sample could have said so yet.
 *
 * The heartbeat, not `perf_hooks.monitorEventLoopDelay`: that histogram's `reset()` (once per
 * sample) also forgets its timer's last tick, so a stall it had not ticked through yet when the
 * sample ran was never recorded (measured: a 400 ms block, reset right after it, left a max of
 * 10 ms). A sample here counts the gaps the heartbeat saw and the one it is still in.
 */
export class EventLoopMonitor {
  readonly #options: EventLoopMonitorOptions;
  readonly #gate: LoopGate;
  readonly #timer: NodeJS.Timeout;
  readonly #heartbeat: NodeJS.Timeout;
  #elu: EventLoopUtilization;
  /** When the heartbeat last ran: the loop turned then. */
  #tickAt: number;
  /** The heartbeat's longest period past RESOLUTION_MS since the last sample (ms). */
  #longestGapMs = 0;
  #sampledAt: number;
  #last: LoopSample = { delayMs: 0, utilization: 0 };

  constructor(options: EventLoopMonitorOptions) {
    this.#options = options;
    this.#gate = new LoopGate(options);
    this.#elu = performance.eventLoopUtilization();
    this.#sampledAt = performance.now();
    this.#tickAt = this.#sampledAt;
    // unref: the monitor alone never keeps a process alive.
    this.#timer = setInterval(() => this.#sample(), options.sampleIntervalMs).unref();
    this.#heartbeat = setInterval(() => {
      const now = performance.now();
      const gap = now - this.#tickAt - RESOLUTION_MS;
      if (gap > this.#longestGapMs) this.#longestGapMs = gap;
      this.#tickAt = now;
    }, RESOLUTION_MS).unref();
  }

  /** Why new work is refused now, or undefined: a few comparisons and a clock read per request. */
  shedReason(): LoopShedReason | undefined {
    const reason = this.#gate.reason;
    if (reason !== undefined) return reason;
    const { maxDelayMs, pendingWorkMs } = this.#options;
    if (maxDelayMs > 0) {
      if (performance.now() - this.#tickAt > RESOLUTION_MS + maxDelayMs) return 'event_loop_delay';
      if (pendingWorkMs && pendingWorkMs() > maxDelayMs) return 'event_loop_delay';
    }
    return undefined;
  }

  /**
   * Starts measuring afresh: the service calls it once it listens, so the time it spent starting
   * (loading modules, warming a pool — a respawned cluster worker does it under load) is not
   * taken for a saturated loop, and its first requests are not refused for it.
   */
  rebase(): void {
    const now = performance.now();
    this.#longestGapMs = 0;
    this.#elu = performance.eventLoopUtilization();
    this.#sampledAt = now;
    this.#tickAt = now;
    this.#last = { delayMs: 0, utilization: 0 };
    this.#gate.reset();
  }

  /** The last interval's figures (for `/info` and tests). */
  get last(): LoopSample {
    return this.#last;
  }

  close(): void {
    clearInterval(this.#timer);
    clearInterval(this.#heartbeat);
  }

  #sample(): void {
    const now = performance.now();
    const elu = performance.eventLoopUtilization();
    // A heartbeat period longer than RESOLUTION_MS is how long the loop kept it waiting: the
    // periods it finished since the last sample, and the one it is in if it is overdue now (a
    // stall this sample runs right after, before the heartbeat could). How late this very
    // sample is says the same from its own timer.
    const recorded = Math.max(this.#longestGapMs, now - this.#tickAt - RESOLUTION_MS);
    const late = now - this.#sampledAt - this.#options.sampleIntervalMs;
    this.#last = {
      delayMs: Math.max(0, recorded, late),
      utilization: performance.eventLoopUtilization(elu, this.#elu).utilization,
    };
    this.#longestGapMs = 0;
    this.#elu = elu;
    this.#sampledAt = now;
    this.#gate.update(this.#last);
  }
}
