/**
 * A pending async wait must keep its thread alive: Node does not count a pending
 * Atomics.waitAsync, so a worker whose only work was an infinite wait (no timeout, no signal)
 * used to exit under it, silently. jest keeps its own event loop busy, so each case runs where
 * jest cannot hide that: in a worker thread, or a child process, loading the built library
 * (dist/: `nx build locks` first).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { until } from '@concurrency-lab/launcher/testing';
import { SharedMutex } from '../src/index';

const INTERNAL = JSON.stringify(join(__dirname, '..', 'dist', 'internal.js'));
const INDEX = JSON.stringify(join(__dirname, '..', 'dist', 'index.js'));

const live = new Set<Worker>();
afterEach(async () => {
  await Promise.all([...live].map((worker) => worker.terminate()));
  live.clear();
});

/** Runs `script` in a worker; resolves with what it posted before exiting, and its exit code. */
function runScript(
  script: string,
  workerData: unknown,
): Promise<{ posted: unknown[]; code: number }> {
  const worker = new Worker(script, { eval: true, workerData });
  live.add(worker);
  const posted: unknown[] = [];
  worker.on('message', (message: unknown) => posted.push(message));
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => resolve({ posted, code }));
  });
}

describe('async waits keep their thread alive', () => {
  it('a worker in an infinite waitAsync (no timeout, no signal) lives until it is notified', async () => {
    const cells = new Int32Array(new SharedArrayBuffer(8));
    const run = runScript(
      `const { workerData, parentPort } = require('node:worker_threads');
       const { waitAsync } = require(${INTERNAL});
       const cells = new Int32Array(workerData);
       const waiting = waitAsync(cells, 0, 0, Infinity, undefined);
       Atomics.store(cells, 1, 1); // registered: the main thread may notify from now on
       waiting.then((outcome) => parentPort.postMessage(outcome));`,
      cells.buffer,
    );
    await until(() => Atomics.load(cells, 1) === 1, { what: 'the worker to wait' });
    await sleep(300);
    Atomics.store(cells, 0, 1);
    Atomics.notify(cells, 0);
    expect(await run).toEqual({ posted: ['changed'], code: 0 });
  });

  it('a worker awaiting SharedMutex.acquire() gets the lock the main thread releases 300 ms later', async () => {
    const mutex = new SharedMutex();
    await mutex.acquire();
    const run = runScript(
      `const { workerData, parentPort } = require('node:worker_threads');
       const { SharedMutex } = require(${INDEX});
       const mutex = SharedMutex.from(workerData);
       parentPort.postMessage('queued');
       mutex.acquire().then(() => {
         mutex.release();
         parentPort.postMessage('acquired');
       });`,
      mutex.handle,
    );
    await sleep(300);
    mutex.release();
    expect(await run).toEqual({ posted: ['queued', 'acquired'], code: 0 });
  });

  it('holds nothing once the wait ends, however it ends: the process exits right after', async () => {
    const script = `
      const { waitAsync } = require(${INTERNAL});
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const start = performance.now();
      (async () => {
        const outcomes = [];
        outcomes.push(await waitAsync(cells, 0, 0, performance.now() + 50, undefined));
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 50);
        outcomes.push(await waitAsync(cells, 0, 0, Infinity, controller.signal));
        setTimeout(() => { Atomics.store(cells, 0, 1); Atomics.notify(cells, 0); }, 50);
        outcomes.push(await waitAsync(cells, 0, 0, Infinity, undefined));
        // writeSync: a write still queued when the process exits would be lost.
        const { writeSync } = require('node:fs');
        writeSync(1, JSON.stringify(outcomes) + '\\n');
        process.on('exit', () => writeSync(1, Math.round(performance.now() - start) + '\\n'));
      })();`;
    // A timer or interval left behind would hold the process for up to ~25 days: the 10 s
    // timeout (execFile kills it and rejects) catches that.
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      timeout: 10_000,
    });
    const [outcomes, elapsed] = stdout.trim().split('\n');
    expect(JSON.parse(outcomes ?? '')).toEqual(['timeout', 'aborted', 'changed']);
    expect(Number(elapsed)).toBeLessThan(5_000);
  });
});
