import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

// Fixtures run in real worker threads, which load plain JavaScript: the BUILT library (dist/).
const dist = path.join(__dirname, '../../dist/index.js');
const live = new Set<Worker>();

/**
 * Messages are queued from the moment the worker starts: a worker may post twice in a row,
 * and a message emitted while nobody listens would be lost.
 */
interface Inbox {
  readonly messages: unknown[];
  failure: Error | undefined;
  wake: (() => void) | undefined;
}
const inboxes = new WeakMap<Worker, Inbox>();

export function startWorker(fixture: string, workerData: unknown): Worker {
  if (!existsSync(dist))
    throw new Error(`${dist} is missing: build the lib first (nx build locks)`);
  const worker = new Worker(path.join(__dirname, '../fixtures', fixture), { workerData });
  const inbox: Inbox = { messages: [], failure: undefined, wake: undefined };
  inboxes.set(worker, inbox);
  live.add(worker);
  worker.on('message', (message: unknown) => {
    inbox.messages.push(message);
    inbox.wake?.();
  });
  // An uncaught throw counts from 'exit' on: its 'error' can come before a message the worker
  // posted just before it threw, while Node delivers every such message before 'exit'.
  let thrown: Error | undefined;
  worker.on('error', (error: Error) => (thrown ??= error));
  worker.once('exit', (code) => {
    live.delete(worker);
    inbox.failure ??= thrown ?? new Error(`worker exited with ${code}`);
    inbox.wake?.();
  });
  return worker;
}

/** The worker's next message (in order); rejects once it has failed or exited with none left. */
export async function nextMessage<T = unknown>(worker: Worker): Promise<T> {
  const inbox = inboxes.get(worker);
  if (inbox === undefined) throw new Error('not a worker started by startWorker()');
  for (;;) {
    if (inbox.messages.length > 0) return inbox.messages.shift() as T;
    if (inbox.failure !== undefined) throw inbox.failure;
    await new Promise<void>((resolve) => (inbox.wake = resolve));
    inbox.wake = undefined;
  }
}

/** Starts one `fixture` worker per `workerData` entry; resolves with each one's first message. */
export async function runAll<T = unknown>(
  fixture: string,
  workerData: readonly unknown[],
): Promise<T[]> {
  const workers = workerData.map((data) => startWorker(fixture, data));
  return Promise.all(workers.map((worker) => nextMessage<T>(worker)));
}

/** The error a worker failed with (an uncaught throw), once it has. */
export async function failureOf(worker: Worker): Promise<Error> {
  const inbox = inboxes.get(worker);
  if (inbox === undefined) throw new Error('not a worker started by startWorker()');
  while (inbox.failure === undefined) {
    await new Promise<void>((resolve) => (inbox.wake = resolve));
    inbox.wake = undefined;
  }
  return inbox.failure;
}

/** Terminates every worker a test started (afterEach), so jest exits on its own. */
export async function terminateAll(): Promise<void> {
  await Promise.all([...live].map((worker) => worker.terminate()));
}
