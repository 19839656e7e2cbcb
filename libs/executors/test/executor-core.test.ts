// The executor core on threads, where the shared semantics suite does not look: the stats'
// idle count, the defaults (maxWorkers, maxQueue), a second shutdown's cancelFutures, a signal
// aborted before submit, and the onBroken hook. Thread-only: no fork needed to show them.
import { timersSetBy, until } from '@concurrency-lab/launcher/testing';
import { getEventListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { type Executor, type ExecutorOptions, ThreadPoolExecutor } from '../src/index';
import { createExecutor, rejection, TASKS } from './support/executors';

describe('thread executor: the core beyond the semantics suite', () => {
  let executors: Executor[] = [];

  const make = (options: Partial<ExecutorOptions> = {}): Executor => {
    const executor = createExecutor('thread', options);
    executors.push(executor);
    return executor;
  };
  const block = (executor: Executor, ms: number) =>
    executor.submit<void>({ id: 'b', ms }, { name: 'block' });

  afterEach(async () => {
    await Promise.all(executors.map((executor) => executor.shutdown({ cancelFutures: true })));
    executors = [];
  });

  it('stats: a busy worker is not idle (one of two running leaves one idle)', async () => {
    const executor = make({ maxWorkers: 2 });
    await executor.ready();
    const running = block(executor, 300);
    await until(() => executor.stats.running === 1, { what: 'the task to reach its worker' });
    expect(executor.stats).toMatchObject({ workers: 2, running: 1, idle: 1, queued: 0 });
    await running.result();
    expect(executor.stats).toMatchObject({ workers: 2, running: 0, idle: 2 });
  });

  it('maxWorkers defaults to os.availableParallelism(), and so many threads start', async () => {
    const executor = new ThreadPoolExecutor({ filename: TASKS });
    executors.push(executor);
    expect(executor.maxWorkers).toBe(availableParallelism());
    expect(executor.stats.workers).toBe(availableParallelism());
  });

  it('maxQueue defaults to 1024: the 1025th waiting task is refused with ERR_EXECUTOR_QUEUE_FULL', async () => {
    const executor = make({ maxWorkers: 1 });
    expect(executor.maxQueue).toBe(1024);
    await executor.ready();
    block(executor, 300); // on the worker: what follows waits in the queue
    await until(() => executor.stats.running === 1, { what: 'the task to reach its worker' });
    for (let i = 0; i < 1024; i++) executor.submit(i, { name: 'double' });
    expect(executor.stats.queued).toBe(1024);
    expect(() => executor.submit(0, { name: 'double' })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_QUEUE_FULL' }),
    );
  });

  it('a second shutdown with cancelFutures cancels what the first (wait: false) left queued', async () => {
    const executor = make({ maxWorkers: 1 });
    const futures = [block(executor, 200), block(executor, 200), block(executor, 200)];
    await executor.shutdown({ wait: false });
    await executor.shutdown({ cancelFutures: true });
    expect(futures.map((future) => future.state)).toEqual(['FINISHED', 'CANCELLED', 'CANCELLED']);
    expect(executor.stats).toMatchObject({ completed: 1, cancelled: 2 });
  });

  it('a signal aborted before submit cancels the task with its reason: it never runs', async () => {
    const executor = make({ maxWorkers: 1 });
    const reason = new Error('the caller gave up first');
    const future = executor.submit(21, { name: 'double', signal: AbortSignal.abort(reason) });
    expect(future.state).toBe('CANCELLED');
    expect(await rejection(future.result())).toBe(reason);
    expect(executor.stats).toMatchObject({ running: 0, queued: 0, completed: 0 });
  });

  it('a signal aborted before submit cancels even when the queue is full: no ERR_EXECUTOR_QUEUE_FULL', async () => {
    const executor = make({ maxWorkers: 1, maxQueue: 0 });
    block(executor, 200); // the one place: a plain submit is refused now
    expect(() => executor.submit(1, { name: 'double' })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_QUEUE_FULL' }),
    );
    const reason = new Error('the caller gave up first');
    const signal = AbortSignal.abort(reason);
    const future = executor.submit(21, { name: 'double', signal });
    expect(future.state).toBe('CANCELLED');
    // submitWhenReady neither waits for room nor is refused: it hands back the cancelled future.
    const waited = executor.submitWhenReady(21, { name: 'double', signal });
    const outcome = await Promise.race([
      waited,
      new Promise((resolve) => setImmediate(() => resolve('still waiting'))),
    ]);
    expect(outcome).toMatchObject({ state: 'CANCELLED' });
    expect(await rejection((outcome as typeof future).result())).toBe(reason);
    expect(executor.stats).toMatchObject({ running: 1, queued: 0, completed: 0 });
  });

  it("a submitWhenReady let in after a wait leaves no abort listener on the caller's signal", async () => {
    const executor = make({ maxWorkers: 1, maxQueue: 0 });
    const busy = block(executor, 100);
    const { signal } = new AbortController(); // a long-lived signal, shared by many calls
    const admitted = executor.submitWhenReady<number>(21, { name: 'double', signal });
    expect(getEventListeners(signal, 'abort')).toHaveLength(1); // the control: the wait's own
    const future = await admitted;
    expect(busy.done()).toBe(true); // it did wait for room
    expect(await future.result()).toBe(42);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it("map's timeout clears the timers of its waits on an async input once they are answered", async () => {
    const executor = make({ maxWorkers: 1 });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    async function* input() {
      await gate;
      yield 21;
    }
    const mapping = executor.map<number>(input(), { name: 'double', timeout: 60_000 });
    using first = timersSetBy(() => mapping.next());
    expect(await first.pending()).toBe(1); // the control: the read's deadline, while it waits
    open();
    expect(await first.result).toEqual({ value: 42, done: false });
    // Left behind, each would keep the process alive for a minute.
    expect(await first.pending()).toBe(0);
    expect(await mapping.next()).toEqual({ value: undefined, done: true });
  });

  it("onBroken is called once, with the failed initializer's error, when the pool breaks", async () => {
    const causes: Array<{ code?: unknown }> = [];
    const executor = make({
      maxWorkers: 2,
      initializer: 'failingSetup',
      initargs: { code: 'ERR_FIXTURE_SETUP' },
      onBroken: (cause) => causes.push(cause as { code?: unknown }),
    });
    expect(await rejection(executor.ready())).toMatchObject({ code: 'ERR_EXECUTOR_BROKEN' });
    await executor.shutdown();
    expect(causes).toEqual([expect.objectContaining({ code: 'ERR_FIXTURE_SETUP' })]);
  });
});
