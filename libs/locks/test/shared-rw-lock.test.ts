import { SharedRWLock } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { nextMessage, runAll, startWorker, terminateAll } from './support/workers';

afterEach(terminateAll);

async function violations(lock: SharedRWLock | undefined): Promise<number> {
  // [readers, writers, violations, started]
  const cells = new Int32Array(new SharedArrayBuffer(16));
  const lanes = [true, false, false, true].map((writer) => ({
    lock: lock?.handle,
    cells: cells.buffer,
    writer,
    rounds: 60,
    parties: 4,
  }));
  await runAll('rw-worker.js', lanes);
  return Atomics.load(cells, 2);
}

describe('SharedRWLock across threads', () => {
  it('never has a writer together with readers or another writer', async () => {
    const lock = new SharedRWLock();
    expect(await violations(lock)).toBe(0);
    expect(lock.stats).toMatchObject({ acquisitions: 240, holders: 0, waiters: 0 });
  });

  it('negative control: without it, writers overlap', async () => {
    expect(await violations(undefined)).toBeGreaterThan(0);
  });

  it('holds back new readers while a writer waits (writer policy), then serves them after it', async () => {
    const lock = new SharedRWLock({ name: 'table' });
    const reader = lock.read.tryAcquire();
    expect(reader).not.toBeNull();
    const writing = lock.write.acquire();
    await until(() => lock.stats.waiters === 1, { what: 'the writer to queue' });
    expect(lock.inspect().waiters).toMatchObject([{ id: 'main thread', mode: 'write' }]);
    expect(lock.read.tryAcquire()).toBeNull();
    const laterReader = lock.read.acquire();
    reader?.unlock();
    const writer = await writing;
    expect(lock.writerThreadId).toBe(0);
    writer.unlock();
    (await laterReader).unlock();
    expect(lock.stats).toMatchObject({ holders: 0, waiters: 0 });
  });

  // A writer that gives up abandons its ticket with one CAS on its own slot; the readers queued
  // behind it may join the reader still inside only if someone reruns the policy then.
  it('unblocks the readers behind a writer that times out (async)', async () => {
    const lock = new SharedRWLock();
    const reader = lock.read.tryAcquire();
    const writer = lock.write.acquire({ timeout: 20 });
    const laterReader = lock.read.acquire({ timeout: 10_000 });
    await expect(writer).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
    (await laterReader).unlock(); // while the first reader is still inside
    expect(lock.readers).toBe(1);
    reader?.unlock();
    expect(lock.stats).toMatchObject({ holders: 0, waiters: 0, timeouts: 1 });
  });

  it('unblocks the readers behind a writer that is aborted', async () => {
    const lock = new SharedRWLock();
    const reader = lock.read.tryAcquire();
    const controller = new AbortController();
    const writer = lock.write.acquire({ signal: controller.signal });
    const laterReader = lock.read.acquire({ timeout: 10_000 });
    await until(() => lock.stats.waiters === 2, { what: 'the writer and the reader to queue' });
    controller.abort(new Error('never mind'));
    await expect(writer).rejects.toThrow('never mind');
    (await laterReader).unlock();
    reader?.unlock();
    expect(lock.stats).toMatchObject({ holders: 0, waiters: 0, aborts: 1 });
  });

  it('refuses an already aborted signal before trying, even when the lock is free', async () => {
    const lock = new SharedRWLock();
    const reason = new Error('cancelled before asking');
    const signal = AbortSignal.abort(reason);
    await expect(lock.read.acquire({ signal })).rejects.toBe(reason);
    await expect(lock.write.acquire({ signal })).rejects.toBe(reason);
    expect(lock.readers).toBe(0);
    expect(lock.stats).toMatchObject({ aborts: 2, acquisitions: 0, holders: 0 });
    (await lock.write.acquire()).unlock(); // control: the same lock grants a live request
  });

  it('unblocks the readers behind a blocking writer (in a worker) that times out', async () => {
    const lock = new SharedRWLock();
    const reader = lock.read.tryAcquire();
    const worker = startWorker('rw-write-timeout.js', { lock: lock.handle, timeout: 1000 });
    await until(() => lock.stats.waiters === 1, { what: 'the worker to queue for writing' });
    const laterReader = lock.read.acquire({ timeout: 10_000 });
    // Behind the writer: its timeout must not have ended yet, or this test would prove nothing.
    await until(() => lock.stats.waiters === 2, { what: 'the reader to queue behind it' });
    expect(await nextMessage(worker)).toBe('ERR_LOCK_TIMEOUT');
    (await laterReader).unlock();
    reader?.unlock();
    expect(lock.stats).toMatchObject({ holders: 0, waiters: 0 });
  });

  it.each(['write', 'read'] as const)(
    'refuses a thread that writes to block for %s on the same lock (ERR_LOCK_DEADLOCK)',
    async (mode) => {
      const lock = new SharedRWLock();
      const worker = startWorker('rw-self-block.js', { lock: lock.handle, mode });
      expect(await nextMessage(worker)).toBe('ERR_LOCK_DEADLOCK');
      // Control: a thread that does not write waits for the writer, as any reader does.
      // Taken once the first worker let go of it (after it answered: a tryAcquire could race it).
      const held = await lock.write.acquire({ timeout: 5000 });
      const other = startWorker('rw-write-timeout.js', { lock: lock.handle, timeout: 50 });
      expect(await nextMessage(other)).toBe('ERR_LOCK_TIMEOUT');
      held.unlock();
    },
  );
});
