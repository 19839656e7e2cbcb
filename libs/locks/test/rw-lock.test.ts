import fc from 'fast-check';
import { setImmediate as turn } from 'node:timers/promises';
import { LockOwner, RWLock } from '../src/index';
import { breaks, holds } from './support/properties';
import { ReaderPreferringRWLock } from './support/unfair-locks';

interface RW {
  read(): Promise<{ unlock(): void }>;
  write(): Promise<{ unlock(): void }>;
}

const ours = (): RW => {
  const rw = new RWLock();
  return { read: () => rw.read.acquire(), write: () => rw.write.acquire() };
};

describe('RWLock', () => {
  it('lets readers share and keeps a writer alone', async () => {
    const rw = new RWLock();
    const r1 = await rw.read.acquire();
    const r2 = await rw.read.acquire();
    expect(rw.readers).toBe(2);
    expect(rw.write.tryAcquire()).toBeNull();
    r1.unlock();
    r2.unlock();
    const w = await rw.write.acquire();
    expect(rw.writing).toBe(true);
    expect(rw.read.tryAcquire()).toBeNull();
    w.unlock();
    expect(rw.stats).toMatchObject({ holders: 0, acquisitions: 3 });
  });

  it('never has a writer together with readers or another writer, in any interleaving', async () => {
    const property = (lock: () => RW | undefined) =>
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.boolean(), { minLength: 2, maxLength: 7 }),
        async (s, writes) => {
          const rw = lock();
          let readers = 0;
          let writers = 0;
          let violated = false;
          const lane = async (isWriter: boolean, id: number): Promise<void> => {
            await s.schedule(Promise.resolve(`lane ${id} arrives`));
            const token = await (isWriter ? rw?.write() : rw?.read());
            if (isWriter) writers++;
            else readers++;
            violated ||= writers > 1 || (writers > 0 && readers > 0);
            await s.schedule(Promise.resolve(`lane ${id} inside`));
            if (isWriter) writers--;
            else readers--;
            token?.unlock();
          };
          await s.waitFor(Promise.all(writes.map(lane)));
          expect(violated).toBe(false);
        },
      );
    await holds(property(ours));
    // Negative control: the same lanes without the lock overlap a writer with others.
    await breaks(property(() => undefined));
  });

  /**
   * Reader R1 is inside; a writer W queues; then readers keep arriving, each before the
   * previous one leaves. Returns how many readers got in while W was waiting.
   */
  async function readersPassingAWaitingWriter(rw: RW, stream: number): Promise<number> {
    let writerWaiting = true;
    let passed = 0;
    let previous = await rw.read();
    const writer = rw.write().then((token) => {
      writerWaiting = false;
      token.unlock();
    });
    await turn();
    for (let i = 0; i < stream; i++) {
      const next = rw.read().then((token) => {
        if (writerWaiting) passed++;
        return token;
      });
      await turn();
      previous.unlock();
      previous = await next;
    }
    previous.unlock();
    await writer;
    return passed;
  }

  it('does not let a stream of readers starve a waiting writer (writer policy)', async () => {
    expect(await readersPassingAWaitingWriter(ours(), 10)).toBe(0);
  });

  it('negative control: a readers-preferring lock lets the whole stream pass the writer', async () => {
    const lock = new ReaderPreferringRWLock();
    expect(await readersPassingAWaitingWriter(lock, 10)).toBe(10);
  });

  it('lets the readers queued behind a writer in together once it is done', async () => {
    const rw = new RWLock();
    const writer = await rw.write.acquire();
    const readers = [rw.read.acquire(), rw.read.acquire(), rw.read.acquire()];
    writer.unlock();
    const tokens = await Promise.all(readers);
    expect(rw.readers).toBe(3);
    for (const token of tokens) token.unlock();
  });

  it('unblocks the readers behind a writer that times out', async () => {
    const rw = new RWLock();
    const reader = await rw.read.acquire();
    const writer = rw.write.acquire({ timeout: 5 });
    const laterReader = rw.read.acquire();
    await expect(writer).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
    (await laterReader).unlock();
    reader.unlock();
    expect(rw.stats.waiters).toBe(0);
  });

  it('reports an upgrade (read held, write wanted) as ERR_LOCK_DEADLOCK instead of hanging', async () => {
    const rw = new RWLock({ name: 'config' });
    const owner = new LockOwner('upgrader');
    const read = await rw.read.acquire({ owner });
    await expect(rw.write.acquire({ owner })).rejects.toMatchObject({
      code: 'ERR_LOCK_DEADLOCK',
      cycle: [{ owner: 'upgrader', lock: 'config', heldBy: 'upgrader' }],
    });
    read.unlock();
  });

  it('names the mode of each waiter in inspect()', async () => {
    const rw = new RWLock();
    const writer = await rw.write.acquire({ owner: new LockOwner('w') });
    const reader = rw.read.acquire({ owner: new LockOwner('r') });
    expect(rw.inspect()).toMatchObject({
      holders: [{ id: 'w (write)' }],
      waiters: [{ id: 'r', mode: 'read' }],
    });
    writer.unlock();
    (await reader).unlock();
  });
});
