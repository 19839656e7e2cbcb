// wait() and asCompleted() over bare futures, completed by hand in a chosen order: the
// orderings are exact here; the executor suites show the same on real workers.
import {
  ALL_COMPLETED,
  asCompleted,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  wait,
} from '../src/index';
import { timersSetBy } from '@concurrency-lab/launcher/testing';
import { listenerCountForTests } from '../src/future';
import { rejection } from './support/executors';

/** A tuple of `N` futures, so each one destructured is defined. */
type Futures<N extends number, T extends Future<number>[] = []> = T['length'] extends N
  ? T
  : Futures<N, [...T, Future<number>]>;

/** `n` fresh futures: `const [a, b] = futures(2)`. */
const futures = <N extends number>(n: N) =>
  Array.from({ length: n }, () => new Future<number>()) as Futures<N>;

describe('wait', () => {
  it('FIRST_COMPLETED settles on the first completion, whichever it is', async () => {
    const [a, b, c] = futures(3);
    const waiting = wait([a, b, c], { returnWhen: FIRST_COMPLETED });
    b.setResult(2);
    const { done, notDone } = await waiting;
    expect([...done]).toEqual([b]);
    expect([...notDone]).toEqual([a, c]);
  });

  it('FIRST_EXCEPTION ignores successes and cancellations until a failure', async () => {
    const [a, b, c, d] = futures(4);
    let settled = false;
    const waiting = wait([a, b, c, d], { returnWhen: FIRST_EXCEPTION }).then((split) => {
      settled = true;
      return split;
    });
    a.setResult(1);
    b.cancel();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // negative control: a success and a cancel are not exceptions
    c.setException(new Error('x'));
    const { done, notDone } = await waiting;
    expect([...done]).toEqual([a, b, c]);
    expect([...notDone]).toEqual([d]);
  });

  it('ALL_COMPLETED waits for every future; done ones count at once', async () => {
    const [a, b] = futures(2);
    a.setResult(1);
    let settled = false;
    const waiting = wait([a, b], { returnWhen: ALL_COMPLETED }).then((split) => {
      settled = true;
      return split;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    b.setResult(2);
    expect((await waiting).done.size).toBe(2);
  });

  it.each([FIRST_COMPLETED, FIRST_EXCEPTION] as const)(
    '%s returns at once when a future given is already done so (the others still pending)',
    async (returnWhen) => {
      const [a, b] = futures(2);
      if (returnWhen === FIRST_COMPLETED) a.setResult(1);
      else a.setException(new Error('boom'));
      let settled = false;
      const waiting = wait([b, a], { returnWhen }).then((split) => {
        settled = true;
        return split;
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(true);
      const { done, notDone } = await waiting;
      expect([[...done], [...notDone]]).toEqual([[a], [b]]);
    },
  );

  it('returns at the timeout without an error', async () => {
    const [a] = futures(1);
    const { done, notDone } = await wait([a], { timeout: 10 });
    expect([done.size, notDone.size]).toEqual([0, 1]);
  });

  it('refuses an unknown returnWhen with ERR_EXECUTOR_INVALID_ARGUMENT', () => {
    expect(() => wait([], { returnWhen: 'SOMETIMES' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
    );
  });
});

describe('wait leaves nothing behind', () => {
  it('drops its callbacks from the futures still pending once it returns (timeout or FIRST_COMPLETED)', async () => {
    const [a, b, c] = futures(3);
    for (let i = 0; i < 20; i++) {
      const { notDone } = await wait([a, b, c], { timeout: 0 });
      expect(notDone.size).toBe(3);
    }
    expect([a, b, c].map(listenerCountForTests)).toEqual([0, 0, 0]);
    const waiting = wait([a, b, c], { returnWhen: FIRST_COMPLETED });
    expect([a, b, c].map(listenerCountForTests)).toEqual([1, 1, 1]);
    a.setResult(1);
    expect([...(await waiting).notDone]).toEqual([b, c]);
    expect([b, c].map(listenerCountForTests)).toEqual([0, 0]);
  });

  it('clears its timeout timer when it returns before it: a long timeout would hold the process', async () => {
    const [a, b] = futures(2);
    using waiting = timersSetBy(() =>
      wait([a, b], { timeout: 60_000, returnWhen: FIRST_COMPLETED }),
    );
    expect(await waiting.pending()).toBe(1); // the control: the probe sees the timer while it waits
    a.setResult(1);
    expect([...(await waiting.result).done]).toEqual([a]);
    expect(await waiting.pending()).toBe(0);
  });
});

describe('asCompleted', () => {
  it('yields done futures first, then the rest in completion order, each once', async () => {
    const [a, b, c, d] = futures(4);
    d.setResult(4);
    const seen: Future<number>[] = [];
    const iterating = (async () => {
      for await (const future of asCompleted([a, b, c, d, a])) seen.push(future);
    })();
    c.setResult(3);
    a.cancel();
    b.setException(new Error('b'));
    await iterating;
    expect(seen).toEqual([d, c, a, b]);
  });

  it('throws ERR_EXECUTOR_TIMEOUT when futures are left at the deadline', async () => {
    const [a, b] = futures(2);
    a.setResult(1);
    const seen: Future<number>[] = [];
    const error = await rejection(
      (async () => {
        for await (const future of asCompleted([a, b], { timeout: 20 })) seen.push(future);
      })(),
    );
    expect(error.code).toBe('ERR_EXECUTOR_TIMEOUT');
    expect(seen).toEqual([a]);
    expect(b.done()).toBe(false);
  });

  it('measures its timeout from the call, not from the first next()', async () => {
    const [a] = futures(1);
    const iterator = asCompleted([a], { timeout: 50 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // past the deadline
    // The deadline has passed: it throws at once. From the first next(), it would wait 50 ms
    // more, and the 25 ms timer below would win.
    const first = iterator.next().then(
      () => 'yielded',
      (error: { code?: unknown }) => `threw ${String(error.code)}`,
    );
    const late = new Promise<string>((resolve) => setTimeout(resolve, 25, 'waiting'));
    expect(await Promise.race([first, late])).toBe('threw ERR_EXECUTOR_TIMEOUT');
    expect(() => asCompleted([a], { timeout: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
    );
  });

  it('negative control: a future done before the deadline is yielded, however late the first next()', async () => {
    const [a] = futures(1);
    const iterator = asCompleted([a], { timeout: 50 });
    a.setResult(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await iterator.next()).toEqual({ value: a, done: false });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('drops its callbacks from the futures left when it times out or the caller stops iterating', async () => {
    const [a, b, c] = futures(3);
    for (let i = 0; i < 20; i++) {
      const error = await rejection(
        (async () => {
          for await (const future of asCompleted([a, b], { timeout: 0 })) void future;
        })(),
      );
      expect(error.code).toBe('ERR_EXECUTOR_TIMEOUT');
    }
    expect([a, b].map(listenerCountForTests)).toEqual([0, 0]);
    c.setResult(3);
    for await (const future of asCompleted([c, a, b])) {
      expect(future).toBe(c);
      break;
    }
    expect([a, b].map(listenerCountForTests)).toEqual([0, 0]);
  });

  it('clears its timeout timer once a completion comes: a long timeout would hold the process', async () => {
    const [a, b] = futures(2);
    const iterator = asCompleted([a, b], { timeout: 60_000 });
    using next = timersSetBy(() => iterator.next());
    expect(await next.pending()).toBe(1); // the control: the probe sees the timer while it waits
    a.setResult(1);
    expect(await next.result).toEqual({ value: a, done: false });
    expect(await next.pending()).toBe(0);
    await iterator.return();
  });
});
