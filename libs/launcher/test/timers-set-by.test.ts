import { describe, expect, it } from '@jest/globals';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { liveTimersOf, timersSetBy } from '../src/testing';

const noop = () => undefined;

describe('timersSetBy', () => {
  it('counts a timer the call set while it is pending, and not once it is cleared', async () => {
    using call = timersSetBy(() => {
      const timer = setTimeout(noop, 60_000);
      return () => clearTimeout(timer);
    });
    expect(await call.pending()).toBe(1);
    call.result();
    expect(await call.pending()).toBe(0);
  });

  it('counts a timer as ended once it fired', async () => {
    using call = timersSetBy(() => sleep(20));
    expect(await call.pending()).toBe(1);
    await call.result;
    expect(await call.pending()).toBe(0);
  });

  it('follows what the call set going: an awaited continuation, a timer set by a timer, unref or not', async () => {
    let stop: () => void = noop;
    using call = timersSetBy(async () => {
      await nextTurn();
      const outer = setTimeout(() => {
        const inner = setTimeout(noop, 60_000).unref();
        stop = () => clearTimeout(inner);
      }, 1);
      return outer;
    });
    await call.result;
    await sleep(20); // the outer timer fired and set the inner one
    expect(await call.pending()).toBe(1);
    stop();
    expect(await call.pending()).toBe(0);
  });

  it('counts only the delay asked for with ms', async () => {
    using call = timersSetBy(
      () => [setTimeout(noop, 60_000), setTimeout(noop, 50_000), setTimeout(noop, 60_000)],
      { ms: 60_000 },
    );
    expect(await call.pending()).toBe(2);
    call.result.forEach((timer) => clearTimeout(timer));
    expect(await call.pending()).toBe(0);
  });

  it('negative control: never counts a timer set outside the call, before it or while it runs', async () => {
    const before = setTimeout(noop, 60_000);
    const endsDuring = setTimeout(noop, 10);
    using call = timersSetBy(() => {
      const timer = setTimeout(noop, 60_000);
      return () => clearTimeout(timer);
    });
    const during = setTimeout(noop, 60_000);
    try {
      expect(await call.pending()).toBe(1);
      await sleep(30); // `endsDuring` ended: a count of the process's timers would have moved
      expect(await call.pending()).toBe(1);
      call.result();
      // `before` and `during` are still pending.
      expect(await call.pending()).toBe(0);
    } finally {
      clearTimeout(before);
      clearTimeout(endsDuring);
      clearTimeout(during);
    }
  });

  it("does not take the test's own code after it awaited the result for the call's", async () => {
    using call = timersSetBy(async () => {
      await nextTurn();
    });
    await call.result;
    const mine = setTimeout(noop, 60_000);
    try {
      expect(await call.pending()).toBe(0);
    } finally {
      clearTimeout(mine);
    }
  });

  it('reads a timer’s end from the timer, not from when its destroy event arrives', async () => {
    // With the hook off no destroy event comes at all: the cleared timer still reads as ended,
    // as it does when the event is late (it came after the read once in a CI run).
    const call = timersSetBy(() => setTimeout(noop, 60_000));
    expect(await call.pending()).toBe(1);
    call[Symbol.dispose]();
    clearTimeout(call.result);
    expect(await call.pending()).toBe(0);
  });

  it('turns its hook off when disposed: a timer the call sets after is not followed', async () => {
    let later: NodeJS.Timeout | undefined;
    const call = timersSetBy(() =>
      setTimeout(() => {
        later = setTimeout(noop, 60_000);
      }, 1),
    );
    call[Symbol.dispose]();
    try {
      await sleep(20); // the first timer fired and set the second, after the dispose
      expect(later).toBeDefined();
      expect(await call.pending()).toBe(0);
    } finally {
      clearTimeout(later);
    }
    // The control, "follows what the call set going" above: with the hook on it counts 1.
  });

  it('hands on what the call throws, its hook off', () => {
    const failure = new Error('refused');
    expect(() =>
      timersSetBy(() => {
        throw failure;
      }),
    ).toThrow(failure);
  });
});

describe('liveTimersOf', () => {
  it('counts timers of its delay set from now on wherever they are set, until they end', async () => {
    const earlier = setTimeout(noop, 40);
    using timers = liveTimersOf(40);
    const elsewhere = new Promise<NodeJS.Timeout[]>((resolve) =>
      setImmediate(() => resolve([setTimeout(noop, 40), setTimeout(noop, 40)])),
    );
    const other = setTimeout(noop, 60_000);
    try {
      const set = await elsewhere;
      // Not `earlier` (set before), nor `other` (another delay).
      expect(await timers.pending()).toBe(2);
      clearTimeout(set[0]);
      expect(await timers.pending()).toBe(1);
      await sleep(60); // the other 40 ms one fired
      expect(await timers.pending()).toBe(0);
    } finally {
      clearTimeout(earlier);
      clearTimeout(other);
    }
  });
});
