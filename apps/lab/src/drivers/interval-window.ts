import { LatencyRecorder } from './latency-recorder';

/** What the measured stream did in one sampling interval. */
export interface IntervalFigures {
  /** 2xx answers in the interval. */
  answers: number;
  /** p99 of those answers (ms); null when there were none. */
  p99Ms: number | null;
}

/**
 * The measured stream's answers since the sampler last looked: the driver records each 2xx
 * latency, the sampler takes the interval's figures on its own clock — one clock, so a
 * sample's req/s and p99 belong to the same interval as its RSS and CPU. The per-interval
 * spread of these figures is what `lab compare` calls a run's noise.
 */
export class IntervalWindow {
  #recorder = new LatencyRecorder();

  /** A 2xx answer and its latency. */
  record(latencyMs: number): void {
    this.#recorder.record(latencyMs);
  }

  /** The figures since the last `take`, and a fresh interval. */
  take(): IntervalFigures {
    const recorder = this.#recorder;
    this.#recorder = new LatencyRecorder();
    return {
      answers: recorder.count,
      p99Ms: recorder.count > 0 ? recorder.summary().p99 : null,
    };
  }
}
