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
