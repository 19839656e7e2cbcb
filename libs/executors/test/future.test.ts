import { timersSetBy } from '@concurrency-lab/launcher/testing';
import { listenerCountForTests } from '../src/future';
import { Future } from '../src/index';
import { rejection } from './support/executors';

describe('Future', () => {
  it('cancels while pending, and only then (Python: running and finished futures refuse)', () => {
    const pending = new Future<number>();
    expect(pending.cancel()).toBe(true);
    expect(pending.cancel()).toBe(true); // already cancelled: still true
    expect([pending.state, pending.cancelled(), pending.done()]).toEqual(['CANCELLED', true, true]);

    const running = new Future<number>();
    expect(running.setRunningOrNotifyCancel()).toBe(true);
    expect(running.cancel()).toBe(false);
    // A bare future has no worker to interrupt: even when asked, it refuses.
    expect(running.cancel({ interrupt: true })).toBe(false);
    running.setResult(1);
    expect(running.cancel()).toBe(false);
    expect(running.state).toBe('FINISHED');
  });

  it('tells an executor a cancelled future must not run', () => {
    const future = new Future();
    future.cancel();
    expect(future.setRunningOrNotifyCancel()).toBe(false);
  });

  it('knows when its task started running (epoch ms), and has no start while pending or cancelled first', () => {
    const future = new Future<number>();
    expect(future.startedAt).toBeUndefined();
    const before = performance.timeOrigin + performance.now();
    future.setRunningOrNotifyCancel();
    const after = performance.timeOrigin + performance.now();
    expect(future.startedAt).toBeGreaterThanOrEqual(before);
    expect(future.startedAt).toBeLessThanOrEqual(after);
    future.setResult(1);
    expect(future.startedAt).toBeGreaterThanOrEqual(before); // kept once finished
    const cancelled = new Future<number>();
    cancelled.cancel();
    expect(cancelled.setRunningOrNotifyCancel()).toBe(false);
    expect(cancelled.startedAt).toBeUndefined();
  });

  it('resolves result() with the value and exception() with undefined', async () => {
    const future = new Future<string>();
    const waiting = future.result();
    future.setResult('ok');
    expect(await waiting).toBe('ok');
    expect(await future.exception()).toBeUndefined();
    expect(future.failed()).toBe(false);
  });

  it('rejects result() with the error and resolves exception() with it', async () => {
    const future = new Future();
    const error = new Error('boom');
    future.setException(error);
    expect(await rejection(future.result())).toBe(error);
    expect(await future.exception()).toBe(error);
    expect(future.failed()).toBe(true);
  });

  it('rejects result() and exception() of a cancelled future with ERR_EXECUTOR_CANCELLED', async () => {
    const future = new Future();
    future.cancel();
    expect((await rejection(future.result())).code).toBe('ERR_EXECUTOR_CANCELLED');
    expect((await rejection(future.exception())).code).toBe('ERR_EXECUTOR_CANCELLED');
    expect(future.failed()).toBe(false);
  });

  it('times out a wait with ERR_EXECUTOR_TIMEOUT and leaves the future as it was', async () => {
    const future = new Future<number>();
    expect((await rejection(future.result({ timeout: 10 }))).code).toBe('ERR_EXECUTOR_TIMEOUT');
    expect(future.state).toBe('PENDING');
    future.setResult(3);
    expect(await future.result({ timeout: 10 })).toBe(3);
  });

  it('refuses a second result with ERR_EXECUTOR_INVALID_STATE', () => {
    const future = new Future();
    future.setResult(1);
    expect(() => future.setResult(2)).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_STATE' }),
    );
    expect(() => future.setException(new Error('late'))).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_STATE' }),
    );
  });

  it('calls each done-callback once, including one added after completion', () => {
    const future = new Future<number>();
    const calls: string[] = [];
    future.addDoneCallback((done) => calls.push(`before ${done.state}`));
    future.setResult(1);
    future.addDoneCallback((done) => calls.push(`after ${done.state}`));
    expect(calls).toEqual(['before FINISHED', 'after FINISHED']);
  });

  /**
   * A future whose first done-callback throws, settled while `emitWarning` does `warn`: whether
   * the second callback ran, and the warnings' calls. jest hands tests a copy of `process` whose
   * 'warning' listeners never hear the real emitter, so the call itself is observed (and kept
   * off the test output).
   */
  const settleWithThrowingCallback = (warn: () => void) => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(warn);
    try {
      const future = new Future();
      let second = false;
      future.addDoneCallback(() => {
        throw new Error('callback bug');
      });
      future.addDoneCallback(() => (second = true));
      future.setResult(undefined);
      return { second, calls: emitWarning.mock.calls.map((call) => call[1]) };
    } finally {
      emitWarning.mockRestore();
    }
  };

  it('reports a throwing done-callback as a warning and still runs the others', () => {
    const { second, calls } = settleWithThrowingCallback(() => undefined);
    expect(second).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      type: 'CallbackError',
      code: 'ERR_EXECUTOR_CALLBACK_FAILED',
      detail: expect.stringContaining('callback bug'),
    });
  });

  it('still runs the other done-callbacks when the warning itself cannot be emitted', () => {
    const { second, calls } = settleWithThrowingCallback(() => {
      throw new Error('no warnings here');
    });
    expect([second, calls.length]).toEqual([true, 1]);
  });

  it('refuses a callback that is not a function and a bad timeout with ERR_EXECUTOR_INVALID_ARGUMENT', async () => {
    const future = new Future();
    expect(() => future.addDoneCallback('no' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
    );
    expect((await rejection(future.result({ timeout: -1 }))).code).toBe(
      'ERR_EXECUTOR_INVALID_ARGUMENT',
    );
  });

  it('keeps nothing of a result()/exception() wait that timed out: polling a slow task holds no memory', async () => {
    const future = new Future<number>();
    future.setRunningOrNotifyCancel();
    future.addDoneCallback(() => undefined); // the caller's own callback stays
    for (let i = 0; i < 50; i++) {
      expect((await rejection(future.result({ timeout: 0 }))).code).toBe('ERR_EXECUTOR_TIMEOUT');
      expect((await rejection(future.exception({ timeout: 0 }))).code).toBe('ERR_EXECUTOR_TIMEOUT');
    }
    expect(listenerCountForTests(future)).toBe(1);
    // A wait still in progress is kept, and settles.
    const waiting = future.result({ timeout: 60_000 });
    expect(listenerCountForTests(future)).toBe(2);
    future.setResult(7);
    expect(await waiting).toBe(7);
    expect(listenerCountForTests(future)).toBe(0);
  });

  it('clears the timer of a result()/exception() wait answered in time: it would hold the process', async () => {
    const future = new Future<number>();
    using waits = timersSetBy(() => [
      future.result({ timeout: 60_000 }),
      future.exception({ timeout: 60_000 }),
    ]);
    expect(await waits.pending()).toBe(2); // the control: the probe sees both while they wait
    future.setResult(7);
    expect(await Promise.all(waits.result)).toEqual([7, undefined]);
    expect(await waits.pending()).toBe(0);
  });
});
