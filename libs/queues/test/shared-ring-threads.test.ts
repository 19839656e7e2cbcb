/** Blocking calls in real worker threads, woken by the main thread's async calls and vice versa. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { SharedRingQueue } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { MessageLog, startWorker, terminateWorkers } from './support/workers';

interface Outcome {
  op: string;
  ok: boolean;
  text?: string;
  unfinished?: number;
  code?: string;
}

type Step = { op: string; text?: string; options?: { timeout?: number; immediate?: boolean } };

function runInWorker(queue: SharedRingQueue, steps: Step[]): MessageLog<Outcome> {
  return new MessageLog<Outcome>(
    startWorker('ring-ops-worker.js', { buffer: queue.buffer, steps }),
  );
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (message: Uint8Array) => new TextDecoder().decode(message);

afterEach(terminateWorkers);

describe('SharedRingQueue across threads', () => {
  it('a worker blocked in put (ring full) is let in when the main thread takes', async () => {
    const queue = new SharedRingQueue({ capacity: 1, slotBytes: 8 });
    await queue.putAsync(bytes('first'));
    const log = runInWorker(queue, [{ op: 'put', text: 'second' }]);
    await until(() => queue.stats.waitingPutters === 1, { what: 'the putter to wait' });
    expect(log.messages).toEqual([]);
    expect(text(await queue.getAsync())).toBe('first');
    expect(await log.first(1)).toEqual([{ op: 'put', ok: true }]);
    expect(text(await queue.getAsync())).toBe('second');
  });

  it('a worker blocked in get (ring empty) wakes with the message the main thread puts', async () => {
    const queue = new SharedRingQueue({ capacity: 2, slotBytes: 8 });
    const log = runInWorker(queue, [{ op: 'get' }]);
    await until(() => queue.stats.waitingGetters === 1, { what: 'the getter to wait' });
    await queue.putAsync(bytes('hello'));
    expect(await log.first(1)).toEqual([{ op: 'get', ok: true, text: 'hello' }]);
    expect(queue.size).toBe(0);
  });

  it('blocking calls time out with Python’s errors: Empty, Full; try-variants never wait', async () => {
    const queue = new SharedRingQueue({ capacity: 1, slotBytes: 8 });
    const log = runInWorker(queue, [
      { op: 'get', options: { timeout: 10 } },
      { op: 'tryGet' },
      { op: 'put', text: 'a' },
      { op: 'put', text: 'b', options: { timeout: 10 } },
      { op: 'tryPut', text: 'b' },
    ]);
    expect((await log.first(5)).map((o) => o.code ?? 'ok')).toEqual([
      'ERR_QUEUE_EMPTY',
      'ERR_QUEUE_EMPTY',
      'ok',
      'ERR_QUEUE_FULL',
      'ERR_QUEUE_FULL',
    ]);
    expect(queue.stats).toMatchObject({ size: 1, waitingGetters: 0, waitingPutters: 0 });
  });

  it('join in a worker returns exactly when the main thread has marked every message done', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 8 });
    await queue.putAsync(bytes('a'));
    await queue.putAsync(bytes('b'));
    const log = runInWorker(queue, [{ op: 'join' }]);
    await queue.getAsync();
    queue.taskDone();
    await queue.getAsync();
    expect(log.messages).toEqual([]);
    queue.taskDone();
    // The worker reads the count right after join returns: had it returned early, it would be 1.
    expect(await log.first(1)).toEqual([{ op: 'join', ok: true, unfinished: 0 }]);
  });

  it('shutdown from the main thread releases blocked getters and putters in workers', async () => {
    const empty = new SharedRingQueue({ capacity: 1, slotBytes: 8 });
    const full = new SharedRingQueue({ capacity: 1, slotBytes: 8 });
    await full.putAsync(bytes('x'));
    const getters = [runInWorker(empty, [{ op: 'get' }]), runInWorker(empty, [{ op: 'get' }])];
    const putter = runInWorker(full, [{ op: 'put', text: 'y' }]);
    await until(() => empty.stats.waitingGetters === 2 && full.stats.waitingPutters === 1, {
      what: 'two getters and a putter to wait',
    });
    await empty.shutdownAsync();
    await full.shutdownAsync();
    for (const log of [...getters, putter]) {
      expect((await log.first(1))[0]?.code).toBe('ERR_QUEUE_SHUTDOWN');
    }
    expect(text(await full.getAsync())).toBe('x');
  });

  it('a worker can shut the ring down and the main thread sees it', async () => {
    const queue = new SharedRingQueue({ capacity: 2, slotBytes: 8 });
    const got = queue.getAsync();
    const log = runInWorker(queue, [{ op: 'put', text: 'last' }, { op: 'shutdown' }]);
    await log.first(2);
    expect(text(await got)).toBe('last');
    expect(queue.isShutdown).toBe(true);
    await expect(queue.getAsync()).rejects.toMatchObject({ code: 'ERR_QUEUE_SHUTDOWN' });
  });
});
