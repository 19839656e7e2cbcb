import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mapBounded } from '../src/index';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A promise with its resolve exposed. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Wraps `fn` so it records how many calls are in flight at once. */
function tracked<T, R>(fn: (item: T, index: number) => Promise<R>) {
  const stats = { inFlight: 0, max: 0, calls: 0 };
  const wrapped = async (item: T, index: number): Promise<R> => {
    stats.calls++;
    stats.inFlight++;
    stats.max = Math.max(stats.max, stats.inFlight);
    try {
      return await fn(item, index);
    } finally {
      stats.inFlight--;
    }
  };
  return { stats, fn: wrapped };
}

describe('mapBounded results', () => {
  it('keeps input order even when later items finish first', async () => {
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const pending = mapBounded(['a', 'b', 'c', 'd'], 4, async (item, index) => {
      await gates[index]?.promise;
      return `${item}${index}`;
    });
    for (const gate of [...gates].reverse()) gate.resolve();
    await expect(pending).resolves.toEqual(['a0', 'b1', 'c2', 'd3']);
  });

  it('passes each item with its index, once', async () => {
    const seen: Array<[string, number]> = [];
    await mapBounded(['x', 'y', 'z'], 2, async (item, index) => {
      seen.push([item, index]);
    });
    expect(seen.sort((a, b) => a[1] - b[1])).toEqual([
      ['x', 0],
      ['y', 1],
      ['z', 2],
    ]);
  });

  it('answers [] for no items without calling fn', async () => {
    let calls = 0;
    await expect(mapBounded([], 3, async () => ++calls)).resolves.toEqual([]);
    expect(calls).toBe(0);
  });

  it('rejects with the error of a failing call', async () => {
    const boom = new Error('boom');
    await expect(
      mapBounded([1, 2, 3], 2, async (n) => {
        if (n === 2) throw boom;
        return n;
      }),
    ).rejects.toBe(boom);
  });
});

describe('mapBounded concurrency', () => {
  const scenario = fc.record({
    s: fc.scheduler(),
    items: fc.array(fc.integer(), { maxLength: 30 }),
    concurrency: fc.integer({ min: 1, max: 10 }),
  });

  it('never has more than `concurrency` calls in flight, reaches the bound, and keeps order', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ s, items, concurrency }) => {
        const { stats, fn } = tracked((n: number) => s.schedule(Promise.resolve(n * 2)));
        const pending = mapBounded(items, concurrency, fn);
        await s.waitIdle();
        await expect(pending).resolves.toEqual(items.map((n) => n * 2));
        expect(stats.calls).toBe(items.length);
        expect(stats.max).toBeLessThanOrEqual(concurrency);
        expect(stats.max).toBe(Math.min(concurrency, items.length));
      }),
      { numRuns: 150 },
    );
  });

  it('negative control: the same counter sees an unbounded map exceed the bound', async () => {
    const s = fc.sample(fc.scheduler(), { numRuns: 1, seed: 42 })[0];
    if (!s) throw new Error('no scheduler sampled');
    const { stats, fn } = tracked((n: number) => s.schedule(Promise.resolve(n)));
    const pending = Promise.all([1, 2, 3, 4, 5, 6].map((n, i) => fn(n, i)));
    await s.waitIdle();
    await pending;
    expect(stats.max).toBe(6);
    expect(stats.max).toBeGreaterThan(2);
  });
});

describe('mapBounded arguments', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'throws a RangeError for concurrency %p',
    async (concurrency) => {
      await expect(mapBounded([1], concurrency, async (n) => n)).rejects.toBeInstanceOf(RangeError);
    },
  );

  it('refuses a bad concurrency without calling fn', async () => {
    let calls = 0;
    await expect(mapBounded([1, 2], 0, async () => ++calls)).rejects.toBeInstanceOf(RangeError);
    expect(calls).toBe(0);
  });

  it('accepts a concurrency above the item count', async () => {
    await expect(mapBounded([1, 2], 50, async (n) => n + 1)).resolves.toEqual([2, 3]);
  });
});

describe('mapBounded cancellation', () => {
  it('stops starting new calls once the signal aborts, and rejects with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('deadline');
    const gates = Array.from({ length: 10 }, () => deferred());
    const started: number[] = [];
    const pending = mapBounded(
      gates,
      2,
      async (gate, index) => {
        started.push(index);
        await gate.promise;
        return index;
      },
      controller.signal,
    );
    expect(started).toEqual([0, 1]);
    controller.abort(reason);
    for (const gate of gates) gate.resolve();
    await expect(pending).rejects.toBe(reason);
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(started).toEqual([0, 1]);
  });

  it('stops starting new calls once a call rejects, and rejects without waiting for calls in flight', async () => {
    const boom = new Error('boom');
    const first = deferred();
    const started: number[] = [];
    const pending = mapBounded(
      Array.from({ length: 10 }, (_, i) => i),
      2,
      async (index) => {
        started.push(index);
        if (index === 1) throw boom;
        await first.promise;
        return index;
      },
    );
    // Call 0 is still in flight: the rejection does not wait for it.
    await expect(pending).rejects.toBe(boom);
    first.resolve();
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(started).toEqual([0, 1]);
  });

  it('starts nothing for an already-aborted signal', async () => {
    const reason = new Error('already gone');
    let calls = 0;
    await expect(
      mapBounded([1, 2, 3], 2, async () => ++calls, AbortSignal.abort(reason)),
    ).rejects.toBe(reason);
    expect(calls).toBe(0);
  });

  it('negative control: without a signal, the same run starts every call', async () => {
    const started: number[] = [];
    await mapBounded([1, 2, 3, 4, 5], 2, async (_n, index) => {
      started.push(index);
    });
    expect(started).toHaveLength(5);
  });
});
