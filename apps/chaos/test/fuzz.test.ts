import { describe, expect, it } from '@jest/globals';
import { fuzzJudgement } from '../src/drills/fuzz';

describe('the fuzz drill’s judgement', () => {
  it('holds a run of every case asked with no failure: no violation, nothing lost', () => {
    expect(fuzzJudgement({ runs: 100 }, 100)).toEqual({ lost: 0, violations: [] });
  });

  it('counts a run cut short as a violation, though no case failed', () => {
    // 3 of 100 cases ran and all held: the 97 that never ran were never checked, so no pass.
    expect(fuzzJudgement({ runs: 3 }, 100)).toEqual({
      lost: 0,
      violations: ['only 3 of 100 cases ran'],
    });
  });

  it('names the smallest failing case, one request lost, and no "cut short" beside it', () => {
    // fast-check stops at the first failure and shrinks it: fewer runs than asked is expected then.
    const failure = {
      request: { method: 'GET', target: '/work/io?ms=1e3', headers: [] },
      described: 'GET /work/io?ms=1e3',
      reason: 'answered 500',
    };
    expect(fuzzJudgement({ runs: 3, failure }, 100)).toEqual({
      lost: 1,
      violations: ['answered 500 — for GET /work/io?ms=1e3'],
    });
  });
});
