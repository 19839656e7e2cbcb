import { describe, expect, it } from '@jest/globals';
import { LoadStats } from '../src/load/load-stats';
import { answer } from './support/outcomes';

describe('LoadStats: shed apart from lost', () => {
  it('counts a 503 ERR_OVERLOADED with Retry-After as shed, and nothing else', () => {
    const stats = new LoadStats();
    for (const o of [
      answer(200),
      answer(503, 'ERR_OVERLOADED', '1'),
      answer(503, 'ERR_OVERLOADED', '1'),
      answer(503, 'ERR_OVERLOADED'), // no Retry-After: not a proper refusal
      answer(503, 'ERR_SHUTTING_DOWN', '1'), // a drain, not a bound
      answer(500, 'ERR_WORKER_CRASHED'),
    ])
      stats.record(o);
    stats.record({ kind: 'error', code: 'ECONNRESET', latencyMs: 1 });
    expect(stats.shed).toBe(2);
    expect(stats.refusalsWithoutRetryAfter).toBe(1);
    // What a drill allowing only 200 counts as lost: all but the 200 and the two shed.
    expect(stats.lostExcept([200]) - stats.shed).toBe(4);
  });
});
