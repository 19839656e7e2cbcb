import { SharedEvent } from '../src/index';
import { nextMessage, startWorker, terminateAll } from './support/workers';

afterEach(terminateAll);

async function readersSee(wait: boolean): Promise<number[]> {
  const event = new SharedEvent({ name: 'published' });
  const data = new Int32Array(new SharedArrayBuffer(4));
  const readers = [1, 2, 3].map(() =>
    startWorker('event-reader.js', { event: event.handle, data: data.buffer, wait }),
  );
  await Promise.all(readers.map((worker) => nextMessage(worker))); // all started
  const seen = readers.map((worker) => nextMessage<number>(worker));
  Atomics.store(data, 0, 42);
  event.set();
  return Promise.all(seen);
}

describe('SharedEvent across threads', () => {
  it('releases every waiting thread on set(), after the data it guards is published', async () => {
    expect(await readersSee(true)).toEqual([42, 42, 42]);
  });

  it('negative control: threads that do not wait read before the data is published', async () => {
    expect(await readersSee(false)).toEqual([0, 0, 0]);
  });

  it('waits on the main thread without blocking, with timeout and abort', async () => {
    const event = new SharedEvent();
    await expect(event.wait({ timeout: 5 })).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
    const reason = new Error('stop');
    await expect(event.wait({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const waiting = event.wait();
    event.set();
    await expect(waiting).resolves.toBeUndefined();
    event.clear();
    expect(event.isSet()).toBe(false);
    expect(event.stats).toMatchObject({ timeouts: 1, aborts: 1, acquisitions: 1, waiters: 0 });
  });
});
