import { LatencyRecorder } from '../src/drivers/latency-recorder';

describe('latency percentiles', () => {
  it.each([
    {
      what: 'nearest-rank over every recorded value',
      values: Array.from({ length: 2000 }, (_, i) => i + 1), // grows past its first buffer
      summary: { p50: 1000, p90: 1800, p95: 1900, p99: 1980, max: 2000, mean: 1000.5 },
    },
    {
      what: 'zero when nothing was recorded',
      values: [],
      summary: { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 },
    },
  ])('are $what', ({ values, summary }) => {
    const recorder = new LatencyRecorder();
    for (const ms of values) recorder.record(ms);
    expect(recorder.count).toBe(values.length);
    expect(recorder.summary()).toEqual(summary);
  });

  it('are ordered p50 ≤ p95 ≤ p99 ≤ max for any sample', () => {
    const recorder = new LatencyRecorder();
    for (const ms of [5, 1, 9, 3, 3, 7, 100, 2]) recorder.record(ms);
    const s = recorder.summary();
    expect(s.p50).toBeLessThanOrEqual(s.p95);
    expect(s.p95).toBeLessThanOrEqual(s.p99);
    expect(s.p99).toBeLessThanOrEqual(s.max);
    expect(s.max).toBe(100);
  });
});
