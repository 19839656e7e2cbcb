/**
 * A pending `*Async` call must keep its thread alive: Node does not count a pending
 * Atomics.waitAsync, so with nothing else scheduled the thread used to exit under the call — a
 * worker silently, the main thread as an "unsettled top-level await". jest keeps its own event
 * loop busy, so each case runs where jest cannot hide that: in a worker thread, or a child
 * process. Both load the built library (dist/).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { SharedRingQueue } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { MessageLog, startWorker, terminateWorkers } from './support/workers';

const DIST = join(__dirname, '..', 'dist', 'index.js');

afterEach(terminateWorkers);

function exited(worker: Worker): Promise<number> {
  return new Promise((resolve) => worker.once('exit', resolve));
}

/**
 * A 2-slot ring and a worker (ring-async-worker.js) making `count` `role`Async calls on it,
 * returned once the worker waits in one; its messages and its exit are recorded from the start.
 */
async function workerWaitingOn(role: 'get' | 'put', count: number) {
  const ring = new SharedRingQueue({ capacity: 2, slotBytes: 4 });
  const worker = startWorker('ring-async-worker.js', { buffer: ring.buffer, role, count });
  const log = new MessageLog<unknown>(worker);
  const exit = exited(worker);
  const waiting = () => (role === 'get' ? ring.stats.waitingGetters : ring.stats.waitingPutters);
  await until(() => waiting() === 1, { what: `the ${role} worker to wait` });
  return { ring, worker, log, exit };
}

describe('SharedRingQueue async waits keep their thread alive', () => {
  it('a worker awaiting getAsync() with no timeout gets the message put 300 ms later', async () => {
    const { ring, log, exit } = await workerWaitingOn('get', 1);
    await sleep(300);
    await ring.putAsync(Uint8Array.of(42));
    // Awaiting the exit, not the messages: before the fix the worker had already quit.
    expect(await exit).toBe(0);
    expect(log.messages).toEqual([[42], 'done']);
    expect(ring.stats).toMatchObject({ size: 0, waitingGetters: 0, unfinishedTasks: 1 });
  });

  it('a putAsync producer worker facing a full ring delivers every message', async () => {
    const { ring, log, exit } = await workerWaitingOn('put', 10);
    await sleep(300);
    const got: number[] = [];
    for (let i = 0; i < 10; i++) got.push(...(await ring.getAsync({ timeout: 5000 })));
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await log.first(1)).toEqual(['done']);
    expect(await exit).toBe(0);
    expect(ring.stats).toMatchObject({ size: 0, waitingPutters: 0, unfinishedTasks: 10 });
  });

  it('on the main thread, getAsync({ timeout }) rejects ERR_QUEUE_EMPTY after the timeout', async () => {
    const script = `
      const { SharedRingQueue } = require(${JSON.stringify(DIST)});
      const ring = new SharedRingQueue({ capacity: 2, slotBytes: 4 });
      const start = performance.now();
      ring.getAsync({ timeout: 300 }).then(
        () => console.log(JSON.stringify({ outcome: 'got' })),
        (error) => console.log(JSON.stringify({
          outcome: error.code,
          elapsed: performance.now() - start,
          waitingGetters: ring.stats.waitingGetters,
        })),
      );`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      timeout: 10_000,
    });
    // Before the fix the process exited at once with nothing printed.
    const report = JSON.parse(stdout) as { outcome: string; elapsed: number };
    expect(report).toMatchObject({ outcome: 'ERR_QUEUE_EMPTY', waitingGetters: 0 });
    expect(report.elapsed).toBeGreaterThanOrEqual(300);
  });

  it('a worker terminated while it waits breaks nothing for the other threads', async () => {
    const { ring, worker } = await workerWaitingOn('get', 1);
    await worker.terminate();
    await ring.putAsync(Uint8Array.of(1));
    await ring.putAsync(Uint8Array.of(2));
    expect([...(await ring.getAsync())]).toEqual([1]);
    expect([...(await ring.getAsync())]).toEqual([2]);
    // A thread killed asleep cannot take itself off the sleeper count: it stays counted (so
    // stats over-report, and a waker notifies for nobody), which costs a wasted notify only.
    expect(ring.stats).toMatchObject({ size: 0, waitingGetters: 1 });
  });
});
