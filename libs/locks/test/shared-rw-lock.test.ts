import { SharedRWLock } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { runAll, terminateAll } from './support/workers';

afterEach(terminateAll);

async function violations(lock: SharedRWLock | undefined): Promise<number> {
  const cells = new Int32Array(new SharedArrayBuffer(16)); // [readers, writers, violations, started]
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
});
