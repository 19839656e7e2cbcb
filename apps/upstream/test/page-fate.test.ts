import { resolveUpstreamOptions, type UpstreamOptions } from '../src';
import { pageFates } from '../src/page-fate';

/** The delays of `count` plain page requests (no query) on a fresh server's fates. */
function delays(options: Partial<UpstreamOptions>, count: number): number[] {
  const fateOf = pageFates(resolveUpstreamOptions(options));
  return Array.from({ length: count }, () => fateOf({ latencyMs: undefined, fail: false }).delayMs);
}

describe('pageFates', () => {
  it('draws jitter over [0, jitterMs] with both ends reached: jitterMs 1 gives 0 and 1 ms', () => {
    // Seed 7's first 12 draws hold both values; the top of the range was once never drawn.
    const seen = delays({ jitterMs: 1, seed: 7 }, 12);
    expect(new Set(seen)).toEqual(new Set([0, 1]));
  });

  it('adds the jitter to latencyMs, every value of [latencyMs, latencyMs + jitterMs] drawn', () => {
    const seen = delays({ latencyMs: 10, jitterMs: 3, seed: 1 }, 200);
    expect([...new Set(seen)].sort((a, b) => a - b)).toEqual([10, 11, 12, 13]);
  });

  it('gives the same delays for the same seed and others for another (the draws are seeded)', () => {
    const first = delays({ jitterMs: 1000, seed: 7 }, 20);
    expect(delays({ jitterMs: 1000, seed: 7 }, 20)).toEqual(first);
    expect(delays({ jitterMs: 1000, seed: 8 }, 20)).not.toEqual(first);
  });
});

describe('pageFates, whatever one request asks for', () => {
  const plain = { latencyMs: undefined, fail: false };

  it('adds a spike on top of a ?latency= override: the override replaces latency and jitter only', () => {
    const fateOf = pageFates(resolveUpstreamOptions({ spikeRate: 1, spikeMs: 50, latencyMs: 7 }));
    expect(fateOf({ latencyMs: 10, fail: false })).toMatchObject({ spiked: true, delayMs: 60 });
  });

  // Each row: options, a first request's query or options that differ, and which fate to read.
  // The fates after it must be those of the control: all four numbers are drawn every time.
  it.each<[string, Partial<UpstreamOptions>, Partial<UpstreamOptions>, 'delayMs' | 'reset']>([
    ['a ?latency= override leaves the jitter after it', { jitterMs: 1000, seed: 7 }, {}, 'delayMs'],
    [
      'switching spikes on leaves which requests reset',
      { resetRate: 0.5, spikeMs: 0, seed: 3 },
      { spikeRate: 0.5 },
      'reset',
    ],
  ])('%s as it was', (_what, options, switched, read) => {
    const control = pageFates(resolveUpstreamOptions(options));
    const changed = pageFates(resolveUpstreamOptions({ ...options, ...switched }));
    control(plain);
    changed(Object.keys(switched).length === 0 ? { latencyMs: 5, fail: false } : plain);
    const next = (fateOf: typeof control): unknown[] =>
      Array.from({ length: 12 }, () => fateOf(plain)[read]);
    const expected = next(control);
    expect(new Set(expected).size).toBeGreaterThan(1);
    expect(next(changed)).toEqual(expected);
  });
});
