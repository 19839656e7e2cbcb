/** Why the event-loop gate sheds new work (the `reason` of `lab_shed_total`). */
export type LoopShedReason = 'event_loop_delay' | 'event_loop_utilization';

/** One sampling interval of the event loop. */
export interface LoopSample {
  /** The longest delay the loop showed in the interval, in ms (what a new request could wait). */
  delayMs: number;
  /** Share of the interval the loop was busy (0..1). */
  utilization: number;
}

export interface LoopLimits {
  /** Shed above this delay (ms); 0 turns the delay check off. */
  maxDelayMs: number;
  /** Shed above this utilization (0..1); 0 turns the utilization check off. */
  maxUtilization: number;
}

/**
 * Hysteresis: having started to shed, the gate opens again only once the loop is below this
 * share of each limit. Between the two thresholds the state is kept — so a loop hovering at
 * the limit does not flip between admitting and refusing on every sample, which would admit a
 * burst each time it opened.
 */
export const EXIT_RATIO = 0.7;

/**
 * The admission decision of the event loop, as a pure state machine over samples: it starts
 * shedding when a sample passes a limit and stops only when a sample is below `EXIT_RATIO` of
 * every limit. (`@fastify/under-pressure` compares each sample with the limit alone.)
 */
export class LoopGate {
  readonly #limits: LoopLimits;
  #reason: LoopShedReason | undefined;

  constructor(limits: LoopLimits) {
    this.#limits = limits;
  }

  /** Why work is shed now; undefined while the gate is open. */
  get reason(): LoopShedReason | undefined {
    return this.#reason;
  }

  /** The reason a sample on its own passes the limits (entering), if any. */
  over(sample: LoopSample): LoopShedReason | undefined {
    const { maxDelayMs, maxUtilization } = this.#limits;
    if (maxDelayMs > 0 && sample.delayMs > maxDelayMs) return 'event_loop_delay';
    if (maxUtilization > 0 && sample.utilization > maxUtilization) return 'event_loop_utilization';
    return undefined;
  }

  /** Opens the gate, whatever it saw before (a new baseline: see `EventLoopMonitor.rebase`). */
  reset(): void {
    this.#reason = undefined;
  }

  /** Takes one interval's sample and returns the new state. */
  update(sample: LoopSample): LoopShedReason | undefined {
    const entering = this.over(sample);
    if (entering) {
      this.#reason = entering;
      return entering;
    }
    if (this.#reason === undefined) return undefined;
    const { maxDelayMs, maxUtilization } = this.#limits;
    const calm =
      (maxDelayMs === 0 || sample.delayMs < EXIT_RATIO * maxDelayMs) &&
      (maxUtilization === 0 || sample.utilization < EXIT_RATIO * maxUtilization);
    if (calm) this.#reason = undefined;
    return this.#reason;
  }
}
