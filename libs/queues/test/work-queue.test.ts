import { describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { isQueueError, WorkQueue, type JobContext } from '../src/index';
import { deferred } from './support/deferred';
import { codeOf, flush, rejectionCode, track } from './support/settlement';

describe('WorkQueue: results and errors', () => {
  it('resolves with what the job returns, sync or async', async () => {
    const queue = new WorkQueue({ concurrency: 2 });
    expect(await queue.run(() => 42)).toBe(42);
    expect(await queue.run(async () => 'async')).toBe('async');
  });

  it('rejects with what the job throws, sync or async, and keeps serving', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const boom = new Error('boom');
    await expect(
      queue.run(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(queue.run(() => Promise.reject(boom))).rejects.toBe(boom);
    expect(await queue.run(() => 'still serving')).toBe('still serving');
    expect(queue.stats).toMatchObject({ completed: 1, failed: 2, running: 0, queued: 0 });
  });

  it('starts jobs in the order they were submitted', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const started: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((n) => queue.run(() => started.push(n))));
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('WorkQueue: bounds', () => {
  it('rejects ERR_QUEUE_FULL once maxQueue jobs wait; running jobs do not count', async () => {
    const queue = new WorkQueue({ concurrency: 2, maxQueue: 3 });
    const gate = deferred();
    const admitted = Array.from({ length: 5 }, () => track(queue.run(() => gate.promise)));
    const refused = queue.run(() => gate.promise);
    expect(await rejectionCode(refused)).toBe('ERR_QUEUE_FULL');
    expect(queue.stats).toMatchObject({ running: 2, queued: 3, rejected: 1 });
    gate.resolve();
    await queue.onIdle();
    expect(admitted.map((a) => a.status)).toEqual(Array(5).fill('resolved'));
  });

  it("defaults maxQueue to 1000 (the contract's MAX_QUEUE): the 1001st waiting job is refused", async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    expect(queue.maxQueue).toBe(1000);
    const gate = deferred();
    const admitted = Array.from({ length: 1001 }, () => queue.run(() => gate.promise));
    expect(await rejectionCode(queue.run(() => gate.promise))).toBe('ERR_QUEUE_FULL');
    expect(queue.stats).toMatchObject({ running: 1, queued: 1000, rejected: 1 });
    gate.resolve();
    await Promise.all(admitted);
  });

  it('with maxQueue 0 admits only what can start now', async () => {
    const queue = new WorkQueue({ concurrency: 1, maxQueue: 0 });
    const gate = deferred();
    const first = queue.run(() => gate.promise);
    expect(await rejectionCode(queue.run(() => 1))).toBe('ERR_QUEUE_FULL');
    gate.resolve();
    await first;
  });

  it('onSizeBelow lets a producer wait for room instead of being refused', async () => {
    const queue = new WorkQueue({ concurrency: 1, maxQueue: 2 });
    const results: Promise<number>[] = [];
    for (let i = 0; i < 20; i++) {
      await queue.onSizeBelow(2);
      results.push(queue.run(async () => i));
    }
    expect(await Promise.all(results)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(queue.stats.rejected).toBe(0);
  });

  it('onSizeBelow resolves when a queued job is cancelled, not only when a running one ends', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const gate = deferred();
    const running = queue.run(() => gate.promise);
    const controller = new AbortController();
    const cancelled = track(queue.run(() => 'never', { signal: controller.signal }));
    const kept = queue.run(() => 'kept');
    const below = track(queue.onSizeBelow(2));
    await flush();
    expect(below.status).toBe('pending'); // the control: 2 queued
    controller.abort();
    await flush();
    expect(cancelled.status).toBe('rejected');
    expect(below.status).toBe('resolved');
    expect(queue.stats).toMatchObject({ queued: 1, running: 1 }); // the running job has not ended
    gate.resolve();
    await running;
    expect(await kept).toBe('kept');
  });
});

describe('WorkQueue: cancellation', () => {
  it('drops a queued job whose signal aborts: it never starts, the caller gets the reason', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const gate = deferred();
    const running = queue.run(() => gate.promise);
    const controller = new AbortController();
    let started = false;
    const queued = track(queue.run(() => (started = true), { signal: controller.signal }));
    const reason = new Error('deadline');
    controller.abort(reason);
    await flush();
    expect(queued).toEqual({ status: 'rejected', reason });
    expect(queue.stats).toMatchObject({ queued: 0, cancelled: 1 });
    gate.resolve();
    await running;
    await queue.onIdle();
    expect(started).toBe(false);
  });

  it('aborts a running job through its context signal and answers the caller at once', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const controller = new AbortController();
    const jobSaw = deferred<unknown>();
    const finish = deferred();
    const result = track(
      queue.run(
        async ({ signal }: JobContext) => {
          signal.addEventListener('abort', () => jobSaw.resolve(signal.reason));
          await finish.promise;
          return 'late';
        },
        { signal: controller.signal },
      ),
    );
    const reason = new Error('client went away');
    controller.abort(reason);
    expect(await jobSaw.promise).toBe(reason);
    await flush();
    expect(result).toEqual({ status: 'rejected', reason });
    // The job has not returned: it still holds its slot, so the bound stays true.
    expect(queue.stats.running).toBe(1);
    const next = track(queue.run(() => 'next'));
    await flush();
    expect(next.status).toBe('pending');
    finish.resolve();
    await flush();
    expect(next).toEqual({ status: 'resolved', value: 'next' });
    expect(queue.stats).toMatchObject({ running: 0, cancelled: 1, completed: 1 });
  });

  it('gives a job that reads its signal late an already aborted one', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const controller = new AbortController();
    const proceed = deferred();
    const seen = deferred<boolean>();
    void queue
      .run(
        async (context: JobContext) => {
          await proceed.promise;
          seen.resolve(context.signal.aborted);
        },
        { signal: controller.signal },
      )
      .catch(() => undefined);
    controller.abort();
    proceed.resolve();
    expect(await seen.promise).toBe(true);
  });

  it('leaves no abort listener on a long-lived signal once its jobs are done', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const { signal } = new AbortController(); // a server's shutdown signal, say: never aborts
    const gate = deferred();
    const running = queue.run(() => gate.promise, { signal });
    // The control: a job's caller listens while the job runs.
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    gate.resolve();
    await running;
    for (let i = 0; i < 20; i++) await queue.run(() => i, { signal });
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('leaves no abort listener on a long-lived signal once an immediate shutdown drops its job', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const { signal } = new AbortController(); // never aborts
    const gate = deferred();
    const running = track(queue.run(() => gate.promise));
    const queued = track(queue.run(() => 'never', { signal }));
    expect(getEventListeners(signal, 'abort')).toHaveLength(1); // the control
    const closed = queue.shutdown({ immediate: true });
    gate.resolve();
    await closed;
    expect([queued.status, codeOf(queued.reason)]).toEqual(['rejected', 'ERR_QUEUE_SHUTDOWN']);
    expect(running.status).toBe('rejected');
    // A dropped job never finishes, so nothing later would take its listener off.
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('never starts a job whose signal is already aborted', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    let started = false;
    const code = await rejectionCode(
      queue.run(() => (started = true), { signal: AbortSignal.abort() }),
    );
    expect(code).toBe('AbortError');
    expect(started).toBe(false);
  });
});

describe('WorkQueue: shutdown', () => {
  it('refuses new jobs, finishes queued ones, resolves when idle', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const gate = deferred();
    const jobs = [track(queue.run(() => gate.promise)), track(queue.run(() => 'queued'))];
    const closed = track(queue.shutdown());
    expect(await rejectionCode(queue.run(() => 1))).toBe('ERR_QUEUE_SHUTDOWN');
    await flush();
    expect(closed.status).toBe('pending');
    gate.resolve();
    await flush();
    expect(closed.status).toBe('resolved');
    expect(jobs.map((j) => j.status)).toEqual(['resolved', 'resolved']);
  });

  it('with immediate, drops queued jobs and aborts running ones with ERR_QUEUE_SHUTDOWN', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const abortedWith = deferred<unknown>();
    const running = track(
      queue.run(
        ({ signal }: JobContext) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () => {
              abortedWith.resolve(signal.reason);
              reject(signal.reason);
            }),
          ),
      ),
    );
    let queuedStarted = false;
    const queued = track(queue.run(() => (queuedStarted = true)));
    await queue.shutdown({ immediate: true });
    expect(isQueueError(await abortedWith.promise, 'ERR_QUEUE_SHUTDOWN')).toBe(true);
    expect([running.status, codeOf(running.reason)]).toEqual(['rejected', 'ERR_QUEUE_SHUTDOWN']);
    expect([queued.status, codeOf(queued.reason)]).toEqual(['rejected', 'ERR_QUEUE_SHUTDOWN']);
    expect(queuedStarted).toBe(false);
    expect(queue.stats).toMatchObject({ running: 0, queued: 0, cancelled: 2, isShutdown: true });
  });

  it('with immediate, does not count again a running job its caller cancelled already', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    const controller = new AbortController();
    const gate = deferred();
    // A job that ignores its signal: it keeps its slot until it returns.
    const running = track(queue.run(() => gate.promise, { signal: controller.signal }));
    controller.abort();
    await flush();
    expect(running.status).toBe('rejected');
    expect(queue.stats).toMatchObject({ running: 1, cancelled: 1 });
    const closed = queue.shutdown({ immediate: true });
    gate.resolve();
    await closed;
    expect(queue.stats).toMatchObject({ running: 0, cancelled: 1, completed: 0 });
  });
});
