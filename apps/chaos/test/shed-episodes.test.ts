import { describe, expect, it } from '@jest/globals';
import type { Outcome } from '../src/load/load-stats';
import { answer } from './support/outcomes';
import { ShedEpisodes } from '../src/load/shed-episodes';

const ok = answer(200);
const shed = answer(503, 'ERR_OVERLOADED', '1');

/** Feeds `[at, outcome]` pairs in order. */
function episodesOf(outcomes: ReadonlyArray<readonly [number, Outcome]>): ShedEpisodes {
  const episodes = new ShedEpisodes();
  for (const [at, outcome] of outcomes) episodes.record(outcome, at);
  return episodes;
}

describe('ShedEpisodes', () => {
  it('groups sheds that no 2xx interrupts, and measures the longest from first to last shed', () => {
    const episodes = episodesOf([
      [0, ok],
      [100, shed],
      [150, shed],
      [400, shed], // one episode: 100 → 400
      [450, ok],
      [1000, shed], // a lone shed: an episode of 0 ms
      [1200, ok],
      [2000, shed],
      [2100, shed], // 2000 → 2100
    ]);
    expect(episodes.count).toBe(3);
    expect(episodes.longestMs).toBe(300);
  });

  it('neither ends an episode on a failure nor starts one for a refusal that is not a shed', () => {
    const episodes = episodesOf([
      [0, shed],
      [500, answer(500, 'ERR_WORK_FAILED')], // not a 2xx: the episode goes on
      [900, { kind: 'error', code: 'ECONNRESET', latencyMs: 1 }],
      [2500, shed],
      [2600, ok],
      [3000, answer(503, 'ERR_OVERLOADED')], // no Retry-After: not a shed
      [3100, answer(503, 'ERR_SHUTTING_DOWN', '1')], // a drain, not a bound
    ]);
    expect(episodes.count).toBe(1);
    expect(episodes.longestMs).toBe(2500);
  });

  it('counts nothing when nothing was shed', () => {
    const episodes = episodesOf([
      [0, ok],
      [10, ok],
    ]);
    expect([episodes.count, episodes.longestMs]).toEqual([0, 0]);
  });
});
