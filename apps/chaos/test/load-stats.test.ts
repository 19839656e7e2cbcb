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

  it('files the code of every 5xx answer, 500 included, and of nothing below', () => {
    const stats = new LoadStats();
    for (const o of [
      answer(500, 'ERR_WORKER_CRASHED'),
      answer(502, 'ERR_UPSTREAM'),
      answer(500),
      answer(499, 'ERR_CLIENT_CLOSED'),
    ])
      stats.record(o);
    expect(stats.serverErrorSummary()).toBe('ERR_WORKER_CRASHED 1, ERR_UPSTREAM 1, HTTP 500 1');
  });

  it('times only the 2xx answers: a 300 is no accepted answer', () => {
    const stats = new LoadStats();
    stats.record({ ...answer(200), latencyMs: 2 });
    stats.record({ ...answer(300), latencyMs: 900 });
    stats.record({ ...answer(199), latencyMs: 900 });
    expect(stats.accepted).toBe(1);
    expect(stats.acceptedPercentileMs(100)).toBeLessThan(3);
  });

  it('sums up statuses in numeric order, then the errors', () => {
    const stats = new LoadStats();
    for (const o of [answer(503, 'ERR_OVERLOADED', '1'), answer(200), answer(200), answer(404)])
      stats.record(o);
    stats.record({ kind: 'error', code: 'ECONNRESET', latencyMs: 1 });
    expect(stats.summary()).toBe('200: 2, 404: 1, 503: 1, ECONNRESET: 1');
    expect(new LoadStats().summary()).toBe('nothing sent');
  });
});
