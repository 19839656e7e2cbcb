import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import type { ClientCommand, CounterMode, CounterRequest } from './cluster-counter-protocol';
import { entryPath } from './entry-path';
import { StepTimeoutError, WorkerFailedError } from './errors';
import { integer, type Knob } from './knobs';

export interface ClusterCounterRun {
  expected: number;
  actual: number;
  lost: number;
  /** Messages the primary answered. */
  messages: number;
  ms: number;
}

const STEP_TIMEOUT_MS = 30_000;

/** Resolves with the worker's next message matching `predicate`; rejects if it exits first. */
function messageFrom(worker: Worker, predicate: (m: Record<string, unknown>) => boolean) {
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new StepTimeoutError(`cluster worker ${worker.id} did not report in time`));
    }, STEP_TIMEOUT_MS);
    const onMessage = (m: Record<string, unknown>) => {
      if ('failed' in m) {
        cleanup();
        reject(new WorkerFailedError(`cluster worker ${worker.id} failed: ${String(m['failed'])}`));
      } else if (predicate(m)) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = (code: number) => {
      cleanup();
      reject(
        new WorkerFailedError(`cluster worker ${worker.id} exited (${code}) before it reported`),
      );
    };
    const cleanup = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}

/**
 * The guide's Manager, as `node:cluster` has it: this process is the primary and holds the
 * counter; `workers` cluster workers each add `increments` to it through messages, in `mode`.
 * The primary answers one message at a time, so `increment` is atomic; `get-then-set` is two
 * messages, and another worker's can land between them. Every worker is gone on return.
 */
export async function runClusterCounter(
  mode: CounterMode,
  workers: number,
  increments: number,
): Promise<ClusterCounterRun> {
  cluster.setupPrimary({ exec: entryPath('counter-client'), serialization: 'json' });
  const forked = Array.from({ length: workers }, () => cluster.fork());
  let value = 0;
  let messages = 0;
  const serve = (worker: Worker) => (request: CounterRequest) => {
    if (typeof request.id !== 'number') return;
    messages++;
    if (request.op === 'set') value = request.value ?? value;
    else if (request.op === 'increment') value++;
    worker.send({ id: request.id, value });
  };
  try {
    await Promise.all(forked.map((w) => messageFrom(w, (m) => m['ready'] === true)));
    for (const w of forked) w.on('message', serve(w));
    const start = performance.now();
    const done = forked.map((w) => messageFrom(w, (m) => m['done'] === true));
    for (const w of forked) w.send({ run: true, mode, increments } satisfies ClientCommand);
    await Promise.all(done);
    const ms = performance.now() - start;
    const expected = workers * increments;
    return { expected, actual: value, lost: expected - value, messages, ms };
  } finally {
    await Promise.all(
      forked.map(async (w) => {
        if (w.process.exitCode !== null || w.process.signalCode !== null) return;
        const exited = once(w, 'exit');
        w.kill();
        await exited;
      }),
    );
  }
}

/**
 * The knob of a demo's `increments` per cluster worker, `doc` saying what they are in that demo.
 * Each is a message or two to the primary, ~20 µs: 100,000 is a few seconds per mode.
 */
export const clusterIncrements = (doc: string): Knob<number> =>
  integer(doc, { default: 2000, min: 1, max: 100_000 });
