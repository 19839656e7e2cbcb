import { describe, expect, it } from '@jest/globals';
import { InLoopCounter } from '../src/index';

const never = () => new AbortController().signal;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('InLoopCounter with safe=true', () => {
  // 1..7: fewer steps than lanes; 13, 1001: not divisible by 8; 40_003: lanes pass the yield point.
  it.each([1, 7, 8, 13, 64, 1001, 40_003])('is exact for times=%d', async (times) => {
    const counter = new InLoopCounter();
    await expect(counter.increment(times, true, never())).resolves.toMatchObject({
      expected: times,
      actual: times,
    });
    await expect(counter.read()).resolves.toBe(times);
  });

  it('counts on from the current value across calls', async () => {
    const counter = new InLoopCounter();
    await counter.increment(10, true, never());
    await expect(counter.increment(5, true, never())).resolves.toMatchObject({
      expected: 15,
      actual: 15,
    });
  });
});

describe('InLoopCounter with concurrent increment requests', () => {
  it('takes them one at a time, in order: each safe request is exact on its own', async () => {
    const counter = new InLoopCounter();
    // Past the lanes' yield points, where a second request's lanes would otherwise join in.
    const [a, b] = await Promise.all([
      counter.increment(40_003, true, never()),
      counter.increment(40_003, true, never()),
    ]);
    expect(a).toMatchObject({ expected: 40_003, actual: 40_003 });
    expect(b).toMatchObject({ expected: 80_006, actual: 80_006 });
  });

  it('keeps an unsafe request from adding to a safe one’s count', async () => {
    const counter = new InLoopCounter();
    const [unsafe, safe] = await Promise.all([
      counter.increment(8000, false, never()),
      counter.increment(8000, true, never()),
    ]);
    expect(unsafe.actual).toBeLessThan(unsafe.expected); // its own race, still there
    expect(safe).toMatchObject({ expected: unsafe.actual + 8000, actual: unsafe.actual + 8000 });
  });

  it('lets a request waiting for its turn give up when its signal aborts: it adds nothing', async () => {
    const counter = new InLoopCounter();
    const controller = new AbortController();
    const reason = new Error('deadline passed');
    const first = counter.increment(40_003, true, never());
    const waiting = counter.increment(1000, true, controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(first).resolves.toMatchObject({ expected: 40_003, actual: 40_003 });
    await expect(counter.read()).resolves.toBe(40_003);
  });
});

describe('InLoopCounter with safe=false (negative control for the lock)', () => {
  it('loses updates: actual ends below expected', async () => {
    const counter = new InLoopCounter();
    const result = await counter.increment(8000, false, never());
    expect(result.expected).toBe(8000);
    expect(result.actual).toBeLessThan(result.expected);
    expect(result.actual).toBeGreaterThan(0);
    await expect(counter.read()).resolves.toBe(result.actual);
  });

  it('loses updates for a count that is not a multiple of the lanes too', async () => {
    const counter = new InLoopCounter();
    const result = await counter.increment(1003, false, never());
    expect(result.expected).toBe(1003);
    expect(result.actual).toBeLessThan(1003);
  });

  it("keeps losing updates past the lanes' yield points (a count of 100,000)", async () => {
    const counter = new InLoopCounter();
    const result = await counter.increment(100_000, false, never());
    expect(result.expected).toBe(100_000);
    // The eight lanes stay in lockstep through every yield, so each of their rounds adds 1, not
    // 8: measured, exactly 100,000 / 8. Lanes that fell out of step after a yield (each resuming
    // on its own turn) would race only near the yields and lose ~30%: half is the bound between.
    expect(result.actual).toBeLessThanOrEqual(result.expected / 2);
  });

  it('cannot lose anything with a single step (nothing to race against)', async () => {
    const counter = new InLoopCounter();
    await expect(counter.increment(1, false, never())).resolves.toMatchObject({
      expected: 1,
      actual: 1,
    });
  });
});

describe('InLoopCounter cancellation', () => {
  it.each([true, false])(
    'stops a long increment (safe=%s) when its signal aborts, rejecting with the reason',
    async (safe) => {
      const counter = new InLoopCounter();
      const controller = new AbortController();
      const reason = new Error('client went away');
      const pending = counter.increment(1_000_000, safe, controller.signal);
      await nextTurn();
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);

      // Stopped, not merely abandoned: the value no longer moves.
      const stoppedAt = await counter.read();
      expect(stoppedAt).toBeLessThan(1_000_000);
      for (let i = 0; i < 5; i++) await nextTurn();
      await expect(counter.read()).resolves.toBe(stoppedAt);
    },
  );
});

describe('InLoopCounter read and reset', () => {
  it('reads 0 when new', async () => {
    await expect(new InLoopCounter().read()).resolves.toBe(0);
  });

  it('resets to 0, and counts from 0 again afterwards', async () => {
    const counter = new InLoopCounter();
    await counter.increment(20, true, never());
    await counter.reset();
    await expect(counter.read()).resolves.toBe(0);
    await expect(counter.increment(3, true, never())).resolves.toMatchObject({
      expected: 3,
      actual: 3,
    });
  });

  it('keeps separate instances separate', async () => {
    const a = new InLoopCounter();
    const b = new InLoopCounter();
    await a.increment(4, true, never());
    await expect(b.read()).resolves.toBe(0);
  });
});
