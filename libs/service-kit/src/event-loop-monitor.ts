import {
  monitorEventLoopDelay,
  performance,
  type EventLoopUtilization,
  type ELDHistogram,
} from 'node:perf_hooks';
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

/** The delay histogram's own timer period (ms), the finest delay it can see. */
const RESOLUTION_MS = 10;

/**
 * Watches this thread's event loop and says whether new work should be shed: a sample every
 * `sampleIntervalMs` — the longest delay of `perf_hooks.monitorEventLoopDelay` in the interval
 * and the interval's `performance.eventLoopUtilization` — goes through a {@link LoopGate}
 * (hysteresis). Between samples it also notices a loop that was blocked *just now*: a heartbeat
 * timer notes each turn of the loop, and when it is overdue by more than `maxDelayMs` the loop
 * has been stuck at least that long — whatever gets through first after a long CPU task (the
 * requests read in the same poll phase) is shed, although no sample could have said so yet.
 */
export class EventLoopMonitor {
  readonly #options: EventLoopMonitorOptions;
  readonly #gate: LoopGate;
  readonly #histogram: ELDHistogram;
  readonly #timer: NodeJS.Timeout;
  readonly #heartbeat: NodeJS.Timeout;
  #elu: EventLoopUtilization;
  /** When the heartbeat last ran: the loop turned then. */
  #tickAt: number;
  #sampledAt: number;
  #last: LoopSample = { delayMs: 0, utilization: 0 };

  constructor(options: EventLoopMonitorOptions) {
    this.#options = options;
    this.#gate = new LoopGate(options);
    this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#histogram.enable();
    this.#elu = performance.eventLoopUtilization();
    this.#sampledAt = performance.now();
    this.#tickAt = this.#sampledAt;
    // unref: the monitor alone never keeps a process alive.
    this.#timer = setInterval(() => this.#sample(), options.sampleIntervalMs).unref();
    this.#heartbeat = setInterval(() => {
      this.#tickAt = performance.now();
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
    this.#histogram.reset();
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
    this.#histogram.disable();
  }

  #sample(): void {
    const now = performance.now();
    const elu = performance.eventLoopUtilization();
    // The histogram records each period of its timer; a period longer than the resolution is
    // how long the loop kept the timer waiting. A stall the timer has not yet recorded shows
    // in how late this very sample is.
    const recorded = this.#histogram.count > 0 ? this.#histogram.max / 1e6 - RESOLUTION_MS : 0;
    const late = now - this.#sampledAt - this.#options.sampleIntervalMs;
    this.#last = {
      delayMs: Math.max(0, recorded, late),
      utilization: performance.eventLoopUtilization(elu, this.#elu).utilization,
    };
    this.#histogram.reset();
    this.#elu = elu;
    this.#sampledAt = now;
    this.#gate.update(this.#last);
  }
}
