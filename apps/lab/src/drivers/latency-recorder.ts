import type { LatencySummary } from './load-driver';

/**
 * Every response time of a stream, kept exactly (a Float64Array that grows by doubling) so
 * percentiles are computed, not interpolated from buckets. A 10 s run at a few thousand req/s is
 * tens of thousands of doubles — kilobytes.
 */
export class LatencyRecorder {
  #values = new Float64Array(1024);
  #count = 0;

  record(ms: number): void {
    if (this.#count === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#count++] = ms;
  }

  get count(): number {
    return this.#count;
  }

  /** Nearest-rank percentiles; all zero when nothing was recorded. */
  summary(): LatencySummary {
    if (this.#count === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 };
    const sorted = this.#values.slice(0, this.#count).sort();
    const rank = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
    let sum = 0;
    for (const v of sorted) sum += v;
    const round = (v: number) => Math.round(v * 1000) / 1000;
    return {
      p50: round(rank(50)),
      p90: round(rank(90)),
      p95: round(rank(95)),
      p99: round(rank(99)),
      max: round(sorted[sorted.length - 1] ?? 0),
      mean: round(sum / sorted.length),
    };
  }
}
