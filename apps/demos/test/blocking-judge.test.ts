import {
  judge,
  LAG_RATIO,
  MIN_PINGS,
  MIN_SYNC_LAG_MS,
  type FormOutcome,
} from '../src/demos/blocking';

// The e2e test runs the demo with a real pinger thread and real sync and async work; how late
// the loop and the pings are there is up to the machine. Here the verdict meets made-up runs,
// each with one figure short of its margin and every other one clear of it.

const form = (lagP99Ms: number, pings: number[]): FormOutcome => ({
  lag: { p99Ms: lagP99Ms },
  pings,
});

/** A sync form that stalled the loop 100 ms, three pings one of which waited 40 ms for it. */
const sync = form(100, [40, 30, 25]);
/** An async form that left the loop free: 1 ms late, pings of 1 ms. */
const async_ = form(1, [1, 1, 1]);

describe('the blocking verdict', () => {
  it('holds when the sync form lagged 3× the async form, 20 ms at least, and held a ping', () => {
    expect(judge(sync, async_)).toEqual({
      lagRatio: 100,
      verdict: { holds: true, why: "the sync form's loop lag p99 was 100.00× the async form's" },
    });
    // Each margin met exactly is met: 3× (21 ms against 7 ms), a sync lag of 20 ms, a slowest
    // sync ping of 20 ms, 2 pings a form.
    expect([LAG_RATIO, MIN_SYNC_LAG_MS, MIN_PINGS]).toEqual([3, 20, 2]);
    expect(judge(form(21, [20, 20]), form(7, [1, 1]))).toMatchObject({
      lagRatio: 3,
      verdict: { holds: true },
    });
    expect(judge(form(20, [20, 20]), form(5, [1, 1])).verdict.holds).toBe(true);
    // The async form's lag is floored at 1 ms: a free loop's fraction of one is no divisor.
    expect(judge(sync, form(0.1, [1, 1, 1])).lagRatio).toBe(100);
  });

  it('does not hold when the sync lag p99 is under 3× the async form’s, whatever else holds', () => {
    // 30 ms against 15 ms: 2×. The sync lag is over 20 ms and a sync ping waited 40 ms.
    expect(judge(form(30, [40, 30, 25]), form(15, [1, 1, 1]))).toEqual({
      lagRatio: 2,
      verdict: {
        holds: false,
        why: "sync lag p99 30.0 ms was 2.00× async's 15.0 ms (needs 3×)",
      },
    });
  });

  it('does not hold when the sync lag p99 is under 20 ms, though 3× the async form’s', () => {
    expect(judge(form(19.9, [40, 30, 25]), async_).verdict).toEqual({
      holds: false,
      why: 'sync lag p99 19.9 ms, under 20 ms',
    });
  });

  it('does not hold when no sync ping was held 20 ms by the stall, though slower than async', () => {
    // The loop lagged 100 ms, yet the slowest sync ping took 7 ms: none was sent in the stall.
    expect(judge(form(100, [5, 6, 7]), async_).verdict).toEqual({
      holds: false,
      why: 'slowest sync ping 7.0 ms, under 20 ms: none caught in the stall',
    });
  });

  it('does not hold when a form has fewer than 2 pings, the one it has however slow', () => {
    expect(judge(form(100, [50]), form(1, [1])).verdict).toEqual({
      holds: false,
      why: '1 sync and 1 async pings (needs 2 each)',
    });
    // One form short is enough.
    expect(judge(sync, form(1, [1])).verdict).toEqual({
      holds: false,
      why: '3 sync and 1 async pings (needs 2 each)',
    });
  });

  it('does not hold when the sync pings were not slower than the async ones', () => {
    expect(judge(sync, form(1, [40, 40, 40])).verdict).toEqual({
      holds: false,
      why: "sync ping p99 40.0 ms, not above async's 40.0 ms",
    });
  });
});
