import { LatencyRecorder } from './latency-recorder';

/** What the measured stream did in one sampling interval. */
export interface IntervalFigures {
  /** 2xx answers in the interval. */
  answers: number;
  /**
   * p99 (ms) of those answers whose latency counts (their requests were written in the
   * measurement); null when there were none.
   */
  p99Ms: number | null;
}

/**
 * The measured stream's answers since the sampler last looked: the driver records each 2xx
 * answer (with its latency when its request was written in the window), the sampler takes the
 * interval's figures on its own clock — one clock, so a sample's req/s and p99 belong to the
 * same interval as its RSS and CPU. The per-interval spread of these figures is what
 * `lab compare` calls a run's noise.
 */
export class IntervalWindow {
  #recorder = new LatencyRecorder();
  #untimed = 0;

  /** A 2xx answer and its latency. */
  record(latencyMs: number): void {
    this.#recorder.record(latencyMs);
  }

  /**
   * A 2xx answer that counts for req/s but whose latency is left out: its request was written
   * in the warm-up, so its wait is partly the warm-up's (a connect, a cold start).
   */
  recordUntimed(): void {
    this.#untimed++;
  }

  /** The figures since the last `take`, and a fresh interval. */
  take(): IntervalFigures {
    const recorder = this.#recorder;
    const untimed = this.#untimed;
    this.#recorder = new LatencyRecorder();
    this.#untimed = 0;
    return {
      answers: recorder.count + untimed,
      p99Ms: recorder.count > 0 ? recorder.summary().p99 : null,
    };
  }
}
