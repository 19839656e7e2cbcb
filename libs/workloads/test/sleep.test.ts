import { timersSetBy } from '@concurrency-lab/launcher/testing';
import { performance } from 'node:perf_hooks';
import { sleep } from '../src/index';

/** Tracks whether a promise has settled, without awaiting it. */
function track(promise: Promise<unknown>): { settled: boolean; result: Promise<unknown> } {
  const state = { settled: false, result: promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

// One full event-loop turn: enough for an abort listener and the rejection chain to run.
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('sleep', () => {
  it('resolves with undefined after roughly the requested time', async () => {
    const start = performance.now();
    await expect(sleep(30)).resolves.toBeUndefined();
    // Lower bound only: timers may fire a little early by clock granularity, never much early.
    // No upper bound, because a loaded CI machine may be arbitrarily slow.
    expect(performance.now() - start).toBeGreaterThanOrEqual(25);
  });

  it('resolves for a zero delay', async () => {
    await expect(sleep(0)).resolves.toBeUndefined();
  });

  it('rejects with an AbortError when aborted mid-wait, settles promptly and clears its timer', async () => {
    const controller = new AbortController();
    using sleeping = timersSetBy(() => track(sleep(60_000, controller.signal)));
    const pending = sleeping.result;
    expect(await sleeping.pending()).toBe(1); // the control: its timer, while it waits

    controller.abort();
    await nextTurn();

    expect(pending.settled).toBe(true);
    await expect(pending.result).rejects.toMatchObject({ name: 'AbortError' });
    await expect(pending.result).rejects.toBe(controller.signal.reason);
    expect(await sleeping.pending()).toBe(0);
  });

  it('rejects with the exact reason the aborter gave', async () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects at once for an already-aborted signal without starting a timer', async () => {
    using sleeping = timersSetBy(() => track(sleep(60_000, AbortSignal.abort())));
    const pending = sleeping.result;
    expect(await sleeping.pending()).toBe(0);
    expect(pending.settled).toBe(true);
    await expect(pending.result).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('ignores a signal that never aborts', async () => {
    await expect(sleep(1, new AbortController().signal)).resolves.toBeUndefined();
  });

  it('takes the longest delay a timer takes, 2^31 - 1 ms (its abort is what answers)', async () => {
    // Already aborted, so no timer starts: the AbortError shows the delay passed the check.
    await expect(sleep(2 ** 31 - 1, AbortSignal.abort())).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it.each(['5', null, true])(
    'rejects %p, which is no number, with ERR_INVALID_ARGUMENT',
    async (ms) => {
      // `>=` and `<=` would coerce it to a number and sleep for that long.
      await expect(sleep(ms as unknown as number)).rejects.toMatchObject({
        code: 'ERR_WORKLOAD_INVALID_ARGUMENT',
      });
    },
  );

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])(
    'rejects the delay %p with ERR_INVALID_ARGUMENT instead of firing immediately',
    async (ms) => {
      await expect(sleep(ms)).rejects.toMatchObject({ code: 'ERR_WORKLOAD_INVALID_ARGUMENT' });
    },
  );
});
