/**
 * The semantics of `concurrent.futures`, proven on one executor kind. Thread executors run this
 * in `test/` (unit layer), process executors in `e2e/` (they fork). Every timing here only
 * orders events far apart (tens vs hundreds of ms); nothing asserts a duration.
 */
import {
  ALL_COMPLETED,
  asCompleted,
  BrokenExecutorError,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ShutdownError,
  wait,
  type Executor,
  type ExecutorOptions,
  type Future,
  type ReturnWhen,
} from '../../src/index';
import { timersSetBy, until } from '@concurrency-lab/launcher/testing';
import { getEventListeners } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecutor, drain, rejection, TaskLog, type ExecutorKind } from './executors';

export function describeExecutorSemantics(kind: ExecutorKind): void {
  let executors: Executor[] = [];
  let log: TaskLog;

  const make = (options: Partial<ExecutorOptions> = {}): Executor => {
    const executor = createExecutor(kind, options);
    executors.push(executor);
    return executor;
  };
  /** `make`, counting the replaced workers its `onWorkerReplaced` hook has reported so far. */
  const makeCounting = (options: Partial<ExecutorOptions>) => {
    let replaced = 0;
    const executor = make({ ...options, onWorkerReplaced: () => replaced++ });
    return { executor, replacements: () => replaced };
  };
  /**
   * An executor whose workers have all booted: one task per worker that blocks until all of
   * them have started, so each worker holds one at the same time. (Tasks that merely block a
   * while do not prove it: a process pool hands the next waiting task to the first child
   * ready, and a child done early takes a second warm-up while a third is still forking.)
   * Tests that order completions must not race a worker's start-up.
   */
  const warm = async (options: Partial<ExecutorOptions> = {}): Promise<Executor> => {
    const executor = make(options);
    const parties = executor.maxWorkers;
    const meeting = new TaskLog();
    try {
      const warmups = Array.from({ length: parties }, (_, i) =>
        executor.submit({ id: `warm${i}`, log: meeting.path, parties }, { name: 'meet' }).result(),
      );
      await Promise.all(warmups);
    } finally {
      meeting.remove();
    }
    return executor;
  };
  const sleep = (executor: Executor, id: string, ms: number) =>
    executor.submit<string>({ id, ms, log: log.path }, { name: 'sleep' });
  const block = (executor: Executor, id: string, ms: number) =>
    executor.submit<string>({ id, ms, log: log.path }, { name: 'block' });
  /** The log's `start <id>` lines (the tasks that began, in order), and its `end <id>` ones. */
  const started = () => log.lines().filter((line) => line.startsWith('start'));
  const ended = () => log.lines().filter((line) => line.startsWith('end'));

  beforeEach(() => {
    log = new TaskLog();
  });

  afterEach(async () => {
    await Promise.all(executors.map((executor) => executor.shutdown({ cancelFutures: true })));
    executors = [];
    log.remove();
  });

  describe(`${kind} executor: submit and results`, () => {
    it('runs a task and moves its future PENDING → RUNNING → FINISHED', async () => {
      const executor = make({ maxWorkers: 1 });
      const first = block(executor, 'a', 100);
      const second = executor.submit<number>(21, { name: 'double' });
      expect([first.state, second.state]).toEqual(['RUNNING', 'PENDING']);
      expect(await second.result()).toBe(42);
      expect([first.state, second.state]).toEqual(['FINISHED', 'FINISHED']);
      expect(await second.exception()).toBeUndefined();
    });

    it("re-throws a task's error with its name, code, properties and the worker's stack", async () => {
      const executor = make();
      const error = await rejection(
        executor
          .submit({ name: 'RangeError', message: 'out of range', code: 'E_TASK' }, { name: 'fail' })
          .result(),
      );
      expect(error).toBeInstanceOf(RangeError);
      expect(error).toMatchObject({ name: 'RangeError', code: 'E_TASK', detail: 'kept' });
      expect(error.stack).toContain('fixtures/tasks.js');
      const custom = await rejection(
        executor
          .submit({ name: 'ParseError', message: 'bad', code: 'E_PARSE' }, { name: 'fail' })
          .result(),
      );
      expect(custom).toMatchObject({ name: 'ParseError', code: 'E_PARSE' });
    });

    it('negative control: structured clone alone loses the code', () => {
      const error = Object.assign(new RangeError('out of range'), { code: 'E_TASK' });
      expect((structuredClone(error) as { code?: unknown }).code).toBeUndefined();
    });

    it('rejects a task the module does not export with ERR_EXECUTOR_TASK_NOT_FOUND', async () => {
      const error = await rejection(make().submit(1, { name: 'nope' }).result());
      expect(error.code).toBe('ERR_EXECUTOR_TASK_NOT_FOUND');
    });

    it('rejects an argument or a result that cannot be copied with ERR_EXECUTOR_DATA_CLONE', async () => {
      const executor = make();
      const argument = await rejection(executor.submit(() => 1, { name: 'default' }).result());
      expect(argument.code).toBe('ERR_EXECUTOR_DATA_CLONE');
      const result = await rejection(executor.submit(null, { name: 'unclonable' }).result());
      expect(result.code).toBe('ERR_EXECUTOR_DATA_CLONE');
      expect(await executor.submit(4, { name: 'double' }).result()).toBe(8);
    });
  });

  describe(`${kind} executor: the queue's order`, () => {
    it('a task submitted from a done-callback queues behind the tasks already waiting (FIFO)', async () => {
      const executor = await warm({ maxWorkers: 1 });
      const first = block(executor, 'a', 50);
      const second = block(executor, 'b', 10);
      const third = new Promise<string>((resolve, reject) => {
        // Runs as `a` settles, while `b` waits in the queue for a's worker.
        first.addDoneCallback(() => {
          block(executor, 'c', 10).result().then(resolve, reject);
        });
      });
      expect(await Promise.all([first.result(), second.result(), third])).toEqual(['a', 'b', 'c']);
      expect(started()).toEqual(['start a', 'start b', 'start c']);
    });

    it('a submitWhenReady waiting for room goes before what done-callbacks submit later', async () => {
      const executor = await warm({ maxWorkers: 1, maxQueue: 1 });
      // Every task that ends submits the next of a chain of five: a retry or crawl loop.
      let chained = 0;
      const chain = (future: Future<string>): void => {
        future.addDoneCallback(() => {
          if (chained === 5) return;
          const request = { id: `cb${++chained}`, ms: 10, log: log.path };
          void executor.submitWhenReady<string>(request, { name: 'block' }).then(chain);
        });
      };
      chain(block(executor, 'a', 50)); // runs
      chain(block(executor, 'b', 10)); // fills the queue
      const waiting = executor.submitWhenReady<string>(
        { id: 'w', ms: 10, log: log.path },
        { name: 'block' },
      );
      expect(await (await waiting).result()).toBe('w');
      await until(() => ended().length === 8, { what: 'the chain to end' });
      // When `a` ends, b takes the worker and w the queue's place, before a's callback asks.
      // (Before, the callback took the place, and w waited out the whole chain.)
      expect(started()).toEqual([
        'start a',
        'start b',
        'start w',
        ...[1, 2, 3, 4, 5].map((i) => `start cb${i}`),
      ]);
    });
  });

  describe(`${kind} executor: map and asCompleted`, () => {
    // Later items finish first: completion order is the reverse of input order (180 ms and more
    // apart: an order a loaded machine keeps).
    const durations = [400, 200, 20];

    it('map yields in input order although later items finish first', async () => {
      const executor = await warm({ maxWorkers: 3 });
      const items = durations.map((ms, i) => ({ id: `m${i}`, ms, log: log.path }));
      const results: string[] = [];
      for await (const id of executor.map<string>(items, { name: 'sleep' })) results.push(id);
      expect(results).toEqual(['m0', 'm1', 'm2']);
      // The work really finished in the other order: the log shows it.
      expect(ended()).toEqual(['end m2', 'end m1', 'end m0']);
    });

    it('asCompleted yields in completion order (the negative control of map order)', async () => {
      const executor = await warm({ maxWorkers: 3 });
      const futures = durations.map((ms, i) => sleep(executor, `c${i}`, ms));
      const order: string[] = [];
      for await (const future of asCompleted(futures)) order.push(await future.result());
      expect(order).toEqual(['c2', 'c1', 'c0']);
    });

    it('map with chunksize batches items and keeps order; a failing chunk yields what it did', async () => {
      const executor = make();
      const out: number[] = [];
      for await (const n of executor.map<number>([1, 2, 3, 4, 5], { name: 'double', chunksize: 2 }))
        out.push(n);
      expect(out).toEqual([2, 4, 6, 8, 10]);
      const partial: number[] = [];
      const error = await rejection(
        (async () => {
          for await (const n of executor.map<number>([1, 2, 3, 4], {
            name: 'tenfoldExceptThree',
            chunksize: 4,
          })) {
            partial.push(n);
          }
        })(),
      );
      expect(error.code).toBe('E_THREE');
      expect(partial).toEqual([10, 20]);
    });

    it('map left early cancels the tasks it submitted that are not running yet', async () => {
      const executor = make({ maxWorkers: 1 });
      const items = ['e0', 'e1', 'e2', 'e3'].map((id) => ({ id, ms: 50, log: log.path }));
      for await (const id of executor.map<string>(items, { name: 'block', buffersize: 3 })) {
        expect(id).toBe('e0');
        break;
      }
      await executor.shutdown();
      // e1 was running when the loop left (it finishes); e2 was queued (cancelled); e3 never sent.
      expect(started()).toEqual(['start e0', 'start e1']);
      expect(executor.stats.cancelled).toBe(1);
    });

    it('map with a full queue yields the result it has before it submits its next item (maxQueue 0)', async () => {
      const executor = make({ maxWorkers: 1, maxQueue: 0 });
      const items = ['f0', 'f1', 'f2', 'f3'].map((id) => ({ id, ms: 50, log: log.path }));
      const mapping = executor.map<string>(items, { name: 'block', buffersize: 4 });
      expect(await mapping.next()).toEqual({ done: false, value: 'f0' });
      // Only f0 had begun when its result came out: with no room, map awaits the head it has
      // rather than wait for room for f1 (made only as f0 ends, then f2's as f1 ends, …), which
      // would hold that result back until the window is full, f1–f3 started one by one.
      expect(started()).toEqual(['start f0']);
      expect(await drain(mapping)).toEqual(['f1', 'f2', 'f3']);
      expect(started()).toEqual(['start f0', 'start f1', 'start f2', 'start f3']); // the control
    });

    /**
     * What the first next() of an iterator made `pause` ms ago does within `window` ms: with the
     * clock started at the call, the deadline has passed and it throws at once; started at the
     * first next(), it would still be waiting when the window closes.
     */
    const firstNextAfter = async (
      iterator: AsyncIterator<unknown>,
      pause: number,
      window: number,
    ): Promise<string> => {
      await new Promise((resolve) => setTimeout(resolve, pause));
      const next = iterator.next().then(
        () => 'yielded',
        (error: { code?: unknown }) => `threw ${String(error.code)}`,
      );
      const waiting = new Promise<string>((resolve) => setTimeout(resolve, window, 'waiting'));
      const outcome = await Promise.race([next, waiting]);
      await next; // settled either way before the test ends
      return outcome;
    };

    it('map and asCompleted time out from their call, not from the first next()', async () => {
      const executor = await warm();
      // The tasks take 1 s; the timeout is 200 ms; the iteration starts 400 ms after the call,
      // and its first next() is given 150 ms. Measured from the first next(), the deadline
      // would be 200 ms away: it would still be waiting. (The two, one task on each worker,
      // side by side: each has its own call and its own clock.)
      const items = [{ id: 'late', ms: 1000, log: log.path }];
      const mapping = executor.map(items, { name: 'sleep', timeout: 200 });
      const slow = sleep(executor, 'slow', 1000);
      const completing = asCompleted([slow], { timeout: 200 });
      expect(
        await Promise.all([
          firstNextAfter(mapping, 400, 150),
          firstNextAfter(completing, 400, 150),
        ]),
      ).toEqual(['threw ERR_EXECUTOR_TIMEOUT', 'threw ERR_EXECUTOR_TIMEOUT']);
      expect(await slow.result()).toBe('slow'); // the timeout did not cancel it
    });

    it('negative control: with a timeout longer than the pause, the first next() waits', async () => {
      const executor = await warm();
      const items = [{ id: 'late', ms: 1000, log: log.path }];
      const mapping = executor.map(items, { name: 'sleep', timeout: 5_000 });
      expect(await firstNextAfter(mapping, 400, 150)).toBe('waiting');
    });

    it('map checks its options and submits its first tasks at the call, before any next()', async () => {
      const executor = make({ maxWorkers: 1 });
      expect(() => executor.map([1], { chunksize: 0 })).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
      );
      const items = ['a', 'b'].map((id) => ({ id, ms: 10, log: log.path }));
      const mapping = executor.map<string>(items, { name: 'sleep' });
      await until(() => log.has('end b'), { what: 'the tasks to run without a next()' });
      const results: string[] = [];
      for await (const id of mapping) results.push(id);
      expect(results).toEqual(['a', 'b']);
    });

    it.each(['return()', 'throw()'])(
      'a map closed by %s before its first next() cancels the tasks it queued at the call',
      async (how) => {
        const executor = make({ maxWorkers: 1 });
        const items = ['a', 'b'].map((id) => ({ id, ms: 200, log: log.path }));
        const mapping = executor.map<string>(items, { name: 'sleep' });
        const error = new Error('the consumer failed');
        if (how === 'return()') {
          expect(await mapping.return(undefined)).toEqual({ done: true, value: undefined });
        } else {
          expect(await rejection(mapping.throw(error))).toBe(error);
        }
        await executor.shutdown();
        // `a` had its worker at the call and runs out; `b`, queued, never starts.
        expect(started()).toEqual(['start a']);
        expect(executor.stats).toMatchObject({ cancelled: 1, completed: 1 });
      },
    );

    it('negative control: a head already running when map times out is not cancelled; it finishes', async () => {
      const executor = make({ maxWorkers: 1 });
      const items = [
        { id: 'm0', ms: 300, log: log.path },
        { id: 'm1', ms: 10, log: log.path },
      ];
      const error = await rejection(
        (async () => {
          const options = { name: 'block', timeout: 50, buffersize: 2 };
          for await (const _ of executor.map(items, options)) void _;
        })(),
      );
      expect(error.code).toBe('ERR_EXECUTOR_TIMEOUT');
      await executor.shutdown();
      expect(log.lines()).toEqual(['start m0', 'end m0']);
      expect(executor.stats).toMatchObject({ cancelled: 1, completed: 1 });
    });
  });

  describe(`${kind} executor: map's deadline and signal beyond the results`, () => {
    /**
     * An async input that waits at a gate until `open()`, then yields 21 and 22; it records
     * that it was reached, what it yielded, and that its `finally` ran.
     */
    const gated = () => {
      let open = (): void => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const state = { reached: false, yielded: 0, closed: false, open };
      async function* items(): AsyncGenerator<number> {
        try {
          state.reached = true;
          await gate;
          for (const item of [21, 22]) {
            state.yielded++;
            yield item;
          }
        } finally {
          state.closed = true;
        }
      }
      return { state, items: items() };
    };

    it('a map timeout covers an async input slow to yield its next item', async () => {
      const executor = make({ maxWorkers: 1 });
      const input = gated();
      // A second, not 50 ms: the deadline runs from map(), and at load 10 a process may be held
      // 50 ms before its first read (this failed 1 of 5 runs there, likely so).
      const error = await rejection(
        drain(executor.map(input.items, { name: 'double', timeout: 1_000 })),
      );
      expect(error.code).toBe('ERR_EXECUTOR_TIMEOUT');
      expect(error.message).toContain('map()');
      expect(input.state).toMatchObject({ reached: true, yielded: 0 }); // still waiting there
      input.state.open();
    });

    it("aborting a map's signal ends a read of an input that never yields", async () => {
      const executor = make({ maxWorkers: 1 });
      const input = gated();
      const controller = new AbortController();
      const mapping = drain(
        executor.map(input.items, { name: 'double', signal: controller.signal }),
      );
      await until(() => input.state.reached, { what: 'the map to read its input' });
      const reason = new Error('the caller left');
      controller.abort(reason);
      expect(await rejection(mapping)).toBe(reason);
      expect(input.state.yielded).toBe(0);
    });

    it.each(['timeout', 'signal'])(
      'when map gives up on a read (%s), it closes the input once the read settles',
      async (how) => {
        const executor = make({ maxWorkers: 1 });
        const input = gated();
        const controller = new AbortController();
        const options =
          how === 'timeout'
            ? { name: 'double', timeout: 50 }
            : { name: 'double', signal: controller.signal };
        const mapping = drain(executor.map(input.items, options));
        await until(() => input.state.reached, { what: 'the map to read its input' });
        controller.abort(new Error('the caller left'));
        await rejection(mapping);
        // A generator suspended at an `await` cannot be returned until it moves on: its return()
        // would queue behind the pending next(). Nothing can make it run `finally` before then.
        expect(input.state.closed).toBe(false);
        input.state.open();
        await until(() => input.state.closed, { what: 'map to close its input' });
        // Closed at its first yield (22 never read), and that item was dropped, never submitted.
        expect(input.state.yielded).toBe(1);
        await executor.shutdown();
        expect(executor.stats).toMatchObject({ completed: 0, failed: 0, cancelled: 0 });
      },
    );

    /** A map of a gated input, with a next() waiting on the input's first read. */
    const readingInput = async () => {
      const executor = make({ maxWorkers: 1 });
      const input = gated();
      const mapping = executor.map<number>(input.items, { name: 'double' });
      const pending = mapping.next();
      await until(() => input.state.reached, { what: 'the map to read its input' });
      return { executor, input, mapping, pending };
    };

    /** `promise`'s value, or 'still pending' if it has not settled within `ms` (generous). */
    const within = <T>(promise: Promise<T>, ms: number) =>
      Promise.race([promise, new Promise<string>((r) => setTimeout(r, ms, 'still pending'))]);

    /** How a consumer leaves: return(), or throw() (what `yield*` forwards), and what it gets. */
    const thrown = new Error('the consumer failed');
    const leaves = [
      ['return()', (mapping: AsyncGenerator<number>) => mapping.return(undefined)],
      [
        'throw()',
        (mapping: AsyncGenerator<number>) => mapping.throw(thrown).catch((e: unknown) => e),
      ],
    ] as const;
    const left = { 'return()': { done: true, value: undefined }, 'throw()': thrown };

    it.each(leaves)(
      'when the consumer leaves (%s) during a read, its next() ends and the input is closed later',
      async (how, leave) => {
        const { executor, input, mapping, pending } = await readingInput();
        const leaving = leave(mapping);
        try {
          // It no longer queues behind a read that may never end: both settle.
          expect(await within(pending, 5_000)).toEqual({ done: true, value: undefined });
          expect(await within(leaving, 5_000)).toEqual(left[how]);
          expect(input.state.closed).toBe(false); // suspended at its `await`: not closable yet
        } finally {
          input.state.open();
        }
        await until(() => input.state.closed, { what: 'map to close its input' });
        expect(input.state.yielded).toBe(1); // the item read after leaving was dropped,
        await executor.shutdown();
        expect(executor.stats).toMatchObject({ completed: 0, failed: 0, cancelled: 0 }); // unsent
      },
    );

    it('negative control: a next() pending on the input, with no return(), gets its item', async () => {
      const { input, mapping, pending } = await readingInput();
      input.state.open();
      expect(await pending).toEqual({ done: false, value: 42 });
      expect(input.state.closed).toBe(false);
      await mapping.return(undefined); // a consumer's break after a result: closed at once
      expect(input.state.closed).toBe(true);
    });

    it('negative control: a read settling by itself does not close the input', async () => {
      // What the test above tells apart: only a return() runs the generator's `finally`.
      const input = gated();
      const read = input.items.next();
      input.state.open();
      expect(await read).toEqual({ value: 21, done: false });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(input.state).toMatchObject({ yielded: 1, closed: false });
      await input.items.return(undefined);
      expect(input.state.closed).toBe(true);
    });

    it('negative control: the same gated input, opened, is mapped', async () => {
      const executor = make({ maxWorkers: 1 });
      const input = gated();
      const mapping = drain(executor.map(input.items, { name: 'double', timeout: 5_000 }));
      await until(() => input.state.reached, { what: 'the map to read its input' });
      input.state.open();
      expect(await mapping).toEqual([42, 44]);
    });

    // The worker is busy for 300 ms; the map's timeout is 50 ms. Its tasks either wait in the
    // queue — cancelled at the timeout, the head it awaited included (left queued, it would run
    // after busy) — or, with no queue, wait for room: that wait is withdrawn, and the task never
    // submitted once busy's worker is free. Either way none of them runs.
    it.each([
      ['queued: cancelled', {}, ['m0', 'm1', 'm2'], { buffersize: 3 }, 3],
      ['waiting for queue room: withdrawn', { maxQueue: 0 }, ['m0'], {}, 0],
    ])(
      'a map timeout while the worker is busy runs none of its tasks (%s)',
      async (_, executorOptions, ids, mapOptions, cancelled) => {
        const executor = make({ maxWorkers: 1, ...executorOptions });
        const busy = block(executor, 'busy', 300);
        const items = ids.map((id) => ({ id, ms: 10, log: log.path }));
        const options = { name: 'block', timeout: 50, ...mapOptions };
        const error = await rejection(drain(executor.map(items, options)));
        expect(error.code).toBe('ERR_EXECUTOR_TIMEOUT');
        expect(busy.state).toBe('RUNNING'); // the timeout waited for neither busy nor room
        expect(await busy.result()).toBe('busy');
        await executor.shutdown();
        expect(started()).toEqual(['start busy']);
        expect(executor.stats).toMatchObject({ completed: 1, cancelled });
      },
    );

    it("a task's own ERR_EXECUTOR_TIMEOUT is its error, not a map timeout", async () => {
      const executor = make({ maxWorkers: 1 });
      const items = [
        { name: 'Error', message: 'an inner wait timed out', code: 'ERR_EXECUTOR_TIMEOUT' },
      ];
      const error = await rejection(drain(executor.map(items, { name: 'fail' })));
      expect(error).toMatchObject({
        code: 'ERR_EXECUTOR_TIMEOUT',
        message: 'an inner wait timed out',
        detail: 'kept',
      });
    });
  });

  describe(`${kind} executor: wait`, () => {
    it.each<[ReturnWhen, string, (executor: Executor) => Future]>([
      [
        FIRST_COMPLETED,
        'as soon as one is done',
        (executor: Executor) => sleep(executor, 'fast', 20),
      ],
      [
        FIRST_EXCEPTION,
        'at the first failure, with the slow one not done',
        (executor: Executor) =>
          executor.submit({ name: 'Error', message: 'x', code: 'E_X' }, { name: 'fail' }),
      ],
    ])('%s returns %s', async (returnWhen, _what, submitFirst) => {
      const executor = await warm();
      const first = submitFirst(executor);
      const slow = sleep(executor, 'slow', 800);
      const { done, notDone } = await wait([first, slow], { returnWhen });
      expect([...done]).toEqual([first]);
      expect([...notDone]).toEqual([slow]);
      expect(slow.cancel({ interrupt: true })).toBe(true); // not to wait for it at shutdown
    });

    it('negative control: FIRST_EXCEPTION without a failure waits for all, like ALL_COMPLETED', async () => {
      const executor = await warm();
      const futures = [sleep(executor, 'a', 20), sleep(executor, 'b', 300)];
      const exception = await wait(futures, { returnWhen: FIRST_EXCEPTION });
      expect(exception.done.size).toBe(2);
      const all = await wait([sleep(executor, 'c', 20), sleep(executor, 'd', 300)], {
        returnWhen: ALL_COMPLETED,
      });
      expect([all.done.size, all.notDone.size]).toEqual([2, 0]);
    });

    it('returns at the timeout with the rest not done, without an error', async () => {
      const executor = await warm();
      const fast = sleep(executor, 'fast', 10);
      const slow = block(executor, 'slow', 20_000);
      const { done, notDone } = await wait([fast, slow], { timeout: 500 });
      expect([...done]).toEqual([fast]);
      expect([...notDone]).toEqual([slow]);
      expect(slow.cancel({ interrupt: true })).toBe(true); // not to wait for it at shutdown
    });
  });

  describe(`${kind} executor: cancel`, () => {
    it('a task cancelled while pending never runs; its uncancelled twin does', async () => {
      const executor = make({ maxWorkers: 1 });
      const busy = block(executor, 'busy', 200);
      const cancelled = block(executor, 'cancelled', 10);
      const twin = block(executor, 'twin', 10);
      expect(cancelled.cancel()).toBe(true);
      expect(cancelled.cancelled()).toBe(true);
      expect((await rejection(cancelled.result())).code).toBe('ERR_EXECUTOR_CANCELLED');
      expect(await busy.result()).toBe('busy');
      expect(await twin.result()).toBe('twin');
      await executor.shutdown();
      expect(log.has('start twin')).toBe(true);
      expect(log.has('start cancelled')).toBe(false);
      expect(executor.stats.cancelled).toBe(1);
    });

    it('a running task is not cancelled: cancel() is false and it completes', async () => {
      const executor = make();
      const running = sleep(executor, 'r', 300);
      await until(() => log.has('start r'), { what: 'the task to start' });
      expect(running.cancel()).toBe(false);
      expect(await running.result()).toBe('r');
      expect(log.has('end r')).toBe(true);
    });

    it('cancel({ interrupt: true }) stops a running task by replacing its worker', async () => {
      const executor = make({ maxWorkers: 1 });
      const stuck = block(executor, 'stuck', 20_000);
      await until(() => log.has('start stuck'), { what: 'the task to start' });
      expect(stuck.cancel({ interrupt: true })).toBe(true);
      expect((await rejection(stuck.result())).code).toBe('ERR_EXECUTOR_CANCELLED');
      expect(await executor.submit(5, { name: 'double' }).result()).toBe(10);
      await until(() => executor.stats.replaced === 1, { what: 'the worker to be replaced' });
      expect(log.has('end stuck')).toBe(false);
    });

    it("an aborted signal cancels with the signal's reason, pending or running", async () => {
      const executor = make({ maxWorkers: 1 });
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      const running = executor.submit(
        { id: 'run', ms: 20_000, log: log.path },
        { name: 'block', signal: controller.signal },
      );
      const pending = executor.submit(
        { id: 'wait', ms: 10, log: log.path },
        { name: 'block', signal: controller.signal },
      );
      await until(() => log.has('start run'), { what: 'the task to start' });
      controller.abort(reason);
      expect(await rejection(running.result())).toBe(reason);
      expect(await rejection(pending.result())).toBe(reason);
      expect([running.cancelled(), pending.cancelled()]).toEqual([true, true]);
      expect(await executor.submit(1, { name: 'double' }).result()).toBe(2);
      expect(log.has('start wait')).toBe(false);
    });

    it('cancelling a queued task lets a waiting submitWhenReady in at once, the worker still busy', async () => {
      const executor = make({ maxWorkers: 1, maxQueue: 1 });
      // The waiter's answer comes a few turns after the cancel: busy outlasts that by far.
      const busy = block(executor, 'busy', 400);
      const queued = block(executor, 'queued', 10);
      const waiting = executor.submitWhenReady<string>(
        { id: 'w', ms: 10, log: log.path },
        { name: 'block' },
      );
      expect(queued.cancel()).toBe(true);
      const admitted = await waiting;
      // The cancel made the room: busy has not ended. (Without a cancel, the waiter gets in only
      // as busy ends: the control is 'refuses a submit past maxQueue …' below.)
      expect(busy.done()).toBe(false);
      expect(await Promise.all([busy.result(), admitted.result()])).toEqual(['busy', 'w']);
      expect(started()).toEqual(['start busy', 'start w']);
    });

    it("leaves no abort listener on the caller's signal once its tasks are done", async () => {
      const executor = make({ maxWorkers: 2 });
      const { signal } = new AbortController();
      const listeners = () => getEventListeners(signal, 'abort').length;
      const items = Array.from({ length: 20 }, (_, i) => i);
      expect(await drain(executor.map(items, { name: 'double', signal }))).toEqual(
        items.map((n) => n * 2),
      );
      const running = [block(executor, 'a', 300), block(executor, 'b', 300)];
      const submitted = executor.submit<number>(21, { name: 'double', signal });
      const cancelled = executor.submit(22, { name: 'double', signal });
      // The control: the probe sees the pending tasks' listeners (and no more: the map's are gone).
      expect(listeners()).toBe(2);
      expect(cancelled.cancel()).toBe(true);
      expect(await submitted.result()).toBe(42);
      await Promise.all(running.map((future) => future.result()));
      // Each task's listener went with it: a batch under one signal leaks none per task.
      expect(listeners()).toBe(0);
    });
  });

  describe(`${kind} executor: shutdown`, () => {
    it('without cancelFutures, queued tasks still run; new ones are refused', async () => {
      const executor = make({ maxWorkers: 1 });
      const futures = ['a', 'b', 'c'].map((id) => block(executor, id, 50));
      await executor.shutdown();
      expect(futures.map((future) => future.state)).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
      expect(ended()).toEqual(['end a', 'end b', 'end c']);
      expect(() => executor.submit(1)).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_SHUTDOWN' }),
      );
      expect(executor.stats.workers).toBe(0);
    });

    it('with cancelFutures, queued tasks are cancelled and the running one finishes', async () => {
      const executor = make({ maxWorkers: 1 });
      // The running task outlasts the wait for its start by far: with 100 ms, a loaded CI
      // machine once saw 'start a' only after a had ended and b had begun (b not cancelled).
      const running = block(executor, 'a', 1000);
      const queued = ['b', 'c'].map((id) => block(executor, id, 100));
      await until(() => log.has('start a'), { what: 'the first task to start' });
      await executor.shutdown({ cancelFutures: true });
      expect(await running.result()).toBe('a');
      expect(queued.map((future) => future.cancelled())).toEqual([true, true]);
      expect(log.lines()).toEqual(['start a', 'end a']);
    });

    it('shutdown({ wait: false }) returns at once; a later shutdown() waits', async () => {
      const executor = make({ maxWorkers: 1 });
      const future = block(executor, 'a', 200);
      await executor.shutdown({ wait: false });
      expect(future.done()).toBe(false);
      await executor.shutdown();
      expect(future.state).toBe('FINISHED');
    });

    it('shutdown({ wait: false }) refuses a waiting submitWhenReady at once, the worker still busy', async () => {
      const executor = make({ maxWorkers: 1, maxQueue: 1 });
      // The refusal comes a few turns after the shutdown: busy outlasts that by far.
      const busy = block(executor, 'busy', 400);
      const queued = block(executor, 'queued', 10);
      let busyDoneAtRefusal: boolean | undefined;
      const refused = rejection(
        executor.submitWhenReady({ id: 'w', ms: 10, log: log.path }, { name: 'block' }),
      ).finally(() => (busyDoneAtRefusal = busy.done()));
      await executor.shutdown({ wait: false });
      const error = await refused;
      expect(error).toBeInstanceOf(ShutdownError);
      expect(error.code).toBe('ERR_EXECUTOR_SHUTDOWN');
      // Refused by the shutdown itself, not when busy's end made room (nothing had ended).
      expect(busyDoneAtRefusal).toBe(false);
      await executor.shutdown();
      expect([busy.state, queued.state]).toEqual(['FINISHED', 'FINISHED']); // queued still ran
      expect(started()).toEqual(['start busy', 'start queued']);
    });

    // The control of these two is the cancelFutures test above: the same running task, and a
    // shutdown without them lets it finish.
    it('terminateWorkers ends the running task at once (ERR_EXECUTOR_TERMINATED) and replaces no worker', async () => {
      const executor = make({ maxWorkers: 1 });
      const running = block(executor, 'a', 20_000);
      const queued = block(executor, 'b', 10);
      await until(() => log.has('start a'), { what: 'the first task to start' });
      await executor.terminateWorkers();
      expect((await rejection(running.result())).code).toBe('ERR_EXECUTOR_TERMINATED');
      expect(queued.cancelled()).toBe(true);
      expect(log.lines()).toEqual(['start a']);
      expect(executor.stats).toMatchObject({
        workers: 0,
        running: 0,
        failed: 1,
        crashed: 0,
        replaced: 0,
      });
      expect(() => executor.submit(1)).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_SHUTDOWN' }),
      );
    });

    it('terminateWorkers refuses a submitWhenReady still waiting; it never runs', async () => {
      const executor = make({ maxWorkers: 1, maxQueue: 1 });
      const running = block(executor, 'a', 20_000);
      const queued = block(executor, 'b', 10);
      const waiting = rejection(
        executor.submitWhenReady({ id: 'c', ms: 10, log: log.path }, { name: 'block' }),
      );
      await until(() => log.has('start a'), { what: 'the first task to start' });
      // Before, the cancel of b let c in behind the snapshot of the queue: on processes it then
      // waited forever for a worker, and so did terminateWorkers.
      await executor.terminateWorkers();
      expect((await waiting).code).toBe('ERR_EXECUTOR_SHUTDOWN');
      expect((await rejection(running.result())).code).toBe('ERR_EXECUTOR_TERMINATED');
      expect(queued.cancelled()).toBe(true);
      expect(log.lines()).toEqual(['start a']);
    });

    it('killWorkers does the same; shutdown and terminateWorkers after it are safe', async () => {
      const executor = make({ maxWorkers: 2 });
      const running = ['a', 'b'].map((id) => block(executor, id, 20_000));
      await until(() => log.has('start a') && log.has('start b'), { what: 'both tasks to start' });
      await executor.killWorkers();
      for (const future of running) {
        expect((await rejection(future.result())).code).toBe('ERR_EXECUTOR_TERMINATED');
      }
      await executor.shutdown();
      await executor.terminateWorkers();
      expect(executor.stats).toMatchObject({ workers: 0, failed: 2, replaced: 0 });
      expect(log.has('end a') || log.has('end b')).toBe(false);
    });

    it('await using shuts the executor down at the end of the block', async () => {
      let future: Future<number>;
      let escaped: Executor;
      {
        await using executor = createExecutor(kind);
        escaped = executor;
        future = executor.submit<number>(2, { name: 'double' });
      }
      expect(future.state).toBe('FINISHED');
      expect(escaped.stats.workers).toBe(0);
    });
  });

  describe(`${kind} executor: initializer`, () => {
    type Seen = { setups: number; setupWith: unknown };
    const seen = (executor: Executor) =>
      Promise.all(
        Array.from({ length: 6 }, () =>
          executor.submit<Seen>(null, { name: 'setupSeen' }).result(),
        ),
      );

    it('each worker runs it once, with initargs, before its first task', async () => {
      // Fresh workers: their first tasks are these, and the initializer takes 5 ms (async).
      const executor = make({ initializer: 'setup', initargs: { db: 'lab' } });
      expect(await seen(executor)).toEqual(
        Array.from({ length: 6 }, () => ({ setups: 1, setupWith: { db: 'lab' } })),
      );
    });

    it('negative control: without one, nothing is set up', async () => {
      expect(await seen(make())).toEqual(
        Array.from({ length: 6 }, () => ({ setups: 0, setupWith: undefined })),
      );
    });

    it(`initargs may hold a SharedArrayBuffer ${kind === 'thread' ? '(shared with each thread)' : 'only on threads'}`, async () => {
      const options = { initializer: 'setup', initargs: { shared: new SharedArrayBuffer(8) } };
      if (kind === 'process') {
        expect(() => make(options)).toThrow(
          expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
        );
        return;
      }
      const { setups, setupWith } = await make(options)
        .submit<Seen>(null, { name: 'setupSeen' })
        .result();
      expect(setups).toBe(1);
      // (jest's realm has its own SharedArrayBuffer constructor: the tag says what it is.)
      expect(Object.prototype.toString.call((setupWith as { shared: unknown }).shared)).toBe(
        '[object SharedArrayBuffer]',
      );
    });

    it('a done-callback that cancels a queued task while the executor breaks is safe', async () => {
      const executor = make({ maxWorkers: 1, initializer: 'failingSetup', initargs: {} });
      const controller = new AbortController();
      const stop = new Error('stop the batch');
      const first = executor.submit(1, { name: 'double' });
      const [second, third] = [2, 3].map((n) =>
        executor.submit(n, { name: 'double', signal: controller.signal }),
      ) as [Future, Future];
      // Fails while the executor breaks, with the third still queued: its abort cancels it.
      second.addDoneCallback((future) => {
        if (future.failed()) controller.abort(stop);
      });
      expect((await rejection(first.result())).code).toBe('ERR_EXECUTOR_BROKEN');
      expect((await rejection(second.result())).code).toBe('ERR_EXECUTOR_BROKEN');
      expect(await rejection(third.result())).toBe(stop);
      await executor.shutdown();
      expect(executor.stats).toMatchObject({ failed: 2, cancelled: 1, workers: 0 });
    });

    it('one that kills its worker breaks the executor: every pending future fails, shutdown resolves', async () => {
      const { executor, replacements } = makeCounting({
        maxWorkers: 2,
        initializer: 'exitSetup',
        initargs: 3,
      });
      const futures = [1, 2, 3, 4].map((n) => executor.submit(n, { name: 'double' }));
      for (const future of futures) {
        const error = await rejection(future.result());
        expect(error).toBeInstanceOf(BrokenExecutorError);
        expect(error.cause).toMatchObject({ code: 'ERR_EXECUTOR_WORKER_CRASHED', exitCode: 3 });
      }
      await executor.shutdown({ cancelFutures: true });
      expect(() => executor.submit(1, { name: 'double' })).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_BROKEN' }),
      );
      // A worker that never came up is not "replaced", whatever the engine started after it.
      expect(executor.stats).toMatchObject({ workers: 0, running: 0, failed: 4, replaced: 0 });
      expect(replacements()).toBe(0);
    });

    it('idle, it breaks as soon as a worker dies in it, and starts no more workers', async () => {
      const executor = make({ maxWorkers: 1, initializer: 'exitSetup', initargs: 3 });
      // The pool ends its workers once broken (before, processes were forked again forever).
      await until(() => executor.stats.workers === 0, { what: 'the workers to be gone' });
      expect(() => executor.submit(1, { name: 'double' })).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_BROKEN' }),
      );
      await executor.shutdown();
      expect(executor.stats).toMatchObject({ workers: 0, replaced: 0, failed: 0 });
    });

    it('when a replacement dies in it, the tasks running on other workers finish; the rest fail', async () => {
      const flag = `${log.path}.flag`;
      const executor = await warm({
        maxWorkers: 3,
        initializer: 'exitSetupIfFlagged',
        initargs: flag,
      });
      const running = [sleep(executor, 'a', 800), sleep(executor, 'b', 800)];
      await until(() => log.has('start a') && log.has('start b'), { what: 'a and b to start' });
      // Its worker dies mid-task (replaced, as any crash); the replacement dies in its initializer.
      const crash = await rejection(executor.submit(flag, { name: 'flagAndExit' }).result());
      expect(crash).toMatchObject({ code: 'ERR_EXECUTOR_WORKER_CRASHED', exitCode: 9 });
      await until(
        () => {
          try {
            executor.submit(1, { name: 'double' }).cancel();
            return false;
          } catch (error) {
            return (error as { code?: unknown }).code === 'ERR_EXECUTOR_BROKEN';
          }
        },
        { what: 'the executor to break' },
      );
      expect(await Promise.all(running.map((future) => future.result()))).toEqual(['a', 'b']);
      await executor.shutdown();
      expect(executor.stats).toMatchObject({ workers: 0, replaced: 1, crashed: 1 });
    });

    it('negative control: a worker that dies in its first task, after its initializer, is replaced', async () => {
      const { executor, replacements } = makeCounting({ maxWorkers: 1, initializer: 'setup' });
      const crash = await rejection(executor.submit(7, { name: 'exit' }).result());
      expect(crash).toMatchObject({ code: 'ERR_EXECUTOR_WORKER_CRASHED', exitCode: 7 });
      expect(await executor.submit(2, { name: 'double' }).result()).toBe(4);
      await until(() => executor.stats.replaced === 1, { what: 'a replacement' });
      expect(replacements()).toBe(1);
    });

    it('one that throws breaks the executor: its task, the queued ones and later submits fail', async () => {
      const executor = make({
        maxWorkers: 1,
        initializer: 'failingSetup',
        initargs: { code: 'E_SETUP' },
      });
      const futures = [1, 2, 3].map((n) => executor.submit(n, { name: 'double' }));
      for (const future of futures) {
        const error = await rejection(future.result());
        expect(error.code).toBe('ERR_EXECUTOR_BROKEN');
        expect((error.cause as { code?: unknown }).code).toBe('E_SETUP');
      }
      expect(() => executor.submit(1, { name: 'double' })).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_BROKEN' }),
      );
      await executor.shutdown();
      expect(executor.stats).toMatchObject({ workers: 0, failed: 3, completed: 0 });
    });
  });

  describe(`${kind} executor: ready()`, () => {
    /** Where `secondSlowSetup` numbers the workers and marks each one up. */
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'executors-ready-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** Workers whose initializer has returned (`secondSlowSetup` marks each as it returns). */
    const up = () => readdirSync(dir).filter((name) => name.startsWith('up-')).length;
    /**
     * Two workers; the second to start is 600 ms in its initializer (a timer), the first not:
     * the window in which the tests look (every 5 ms) for one worker up and not the other.
     */
    const slowSecond = () =>
      make({ maxWorkers: 2, initializer: 'secondSlowSetup', initargs: { dir, ms: 600 } });
    /** Whether `promise` has resolved within a turn of the microtask queue (it is settled). */
    const resolvedAtOnce = async (promise: Promise<unknown>) => {
      let resolved = false;
      void promise.then(() => (resolved = true));
      await Promise.resolve(); // one turn: the callback of a settled promise has run by then
      return resolved;
    };

    it('resolves only once every worker is up: each has run its initializer', async () => {
      const executor = slowSecond();
      let upWhenReady: number | undefined;
      const ready = executor.ready().then(() => (upWhenReady = up()));
      // The negative control: the pool has both workers alive while one is still in its
      // initializer (what `stats.workers` says is not "up"), and ready() has not resolved.
      await until(() => executor.stats.workers === 2 && up() === 1, {
        what: 'one worker up while the other is in its initializer',
      });
      expect(upWhenReady).toBeUndefined();
      await ready;
      expect(upWhenReady).toBe(2);
    });

    it('rejects with ERR_EXECUTOR_BROKEN if the pool breaks first, with no task: an async initializer that fails', async () => {
      const executor = make({
        maxWorkers: 2,
        initializer: 'failLaterSetup',
        initargs: { ms: 100, code: 'E_LATER' },
      });
      const error = await rejection(executor.ready());
      expect(error).toBeInstanceOf(BrokenExecutorError);
      expect(error.code).toBe('ERR_EXECUTOR_BROKEN');
      expect(error.cause).toMatchObject({ code: 'E_LATER' });
      // The start settled for good: a later call says the same.
      expect(await rejection(executor.ready())).toMatchObject({ code: 'ERR_EXECUTOR_BROKEN' });
    });

    it('rejects with ERR_EXECUTOR_SHUTDOWN if the executor is shut down first', async () => {
      const executor = slowSecond();
      const refused = rejection(executor.ready());
      await until(() => up() === 1, { what: 'the first worker up' });
      await executor.shutdown();
      const error = await refused;
      expect(error).toBeInstanceOf(ShutdownError);
      expect(error.code).toBe('ERR_EXECUTOR_SHUTDOWN');
      expect(up()).toBe(1); // the second worker never came up: it did not wait for it
      expect(await rejection(executor.ready())).toMatchObject({ code: 'ERR_EXECUTOR_SHUTDOWN' });
    });

    it('once started resolves at once, after a shutdown too; while starting, callers share one promise', async () => {
      const executor = make({ maxWorkers: 2 });
      const starting = executor.ready();
      expect(executor.ready()).toBe(starting); // nothing made per call
      // The negative control: before the workers are up, it has not resolved.
      expect(await resolvedAtOnce(executor.ready())).toBe(false);
      await starting;
      expect(await resolvedAtOnce(executor.ready())).toBe(true);
      await executor.shutdown();
      expect(await resolvedAtOnce(executor.ready())).toBe(true);
    });

    it('holds the event loop by one timer while it waits, and lets it go once it resolved', async () => {
      // The hold is the one timer ready() makes: async_hooks sees it made, and destroyed once
      // cleared. (A count of the process's timers would also see other tests' strays end.)
      const executor = make({ maxWorkers: 2, initializer: 'pauseSetup', initargs: 200 });
      using ready = timersSetBy(() => executor.ready());
      expect(await ready.pending()).toBe(1); // the control: the probe sees the hold while it waits
      await ready.result;
      // Left behind, it would keep the process alive for good (jest never exited).
      await until(async () => (await ready.pending()) === 0, {
        what: 'the hold to be cleared',
        timeoutMs: 2_000,
      });
    });

    it('a task interrupted while the workers start does not stall the start', async () => {
      // On threads, piscina hands a task to a thread still in its initializer and terminates
      // that thread to interrupt it: the start then waits for the replacement instead.
      const executor = make({ maxWorkers: 1, initializer: 'pauseSetup', initargs: 300 });
      const future = executor.submit(1, { name: 'double' });
      expect(future.cancel({ interrupt: true })).toBe(true);
      await executor.ready();
      expect(await executor.submit<number>(2, { name: 'double' }).result()).toBe(4);
    });
  });

  describe(`${kind} executor: crashes and the bounded queue`, () => {
    it('a worker that dies fails its task with ERR_EXECUTOR_WORKER_CRASHED and is replaced', async () => {
      const { executor, replacements } = makeCounting({ maxWorkers: 2 });
      const bystander = sleep(executor, 'bystander', 300);
      const crash = await rejection(executor.submit(7, { name: 'exit' }).result());
      expect(crash).toMatchObject({ code: 'ERR_EXECUTOR_WORKER_CRASHED', exitCode: 7 });
      expect(await bystander.result()).toBe('bystander');
      const after = await Promise.all(
        [1, 2, 3, 4].map((n) => executor.submit(n, { name: 'double' }).result()),
      );
      expect(after).toEqual([2, 4, 6, 8]);
      await until(() => executor.stats.replaced === 1 && executor.stats.workers === 2, {
        what: 'a replacement',
      });
      expect(executor.stats).toMatchObject({ crashed: 1, failed: 1, completed: 5 });
      expect(replacements()).toBe(1); // the hook saw the replacement stats counted
    });

    it('refuses a submit past maxQueue with ERR_EXECUTOR_QUEUE_FULL; submitWhenReady waits', async () => {
      const executor = make({ maxWorkers: 1, maxQueue: 1 });
      const busy = block(executor, 'busy', 200);
      const queued = block(executor, 'queued', 10);
      expect(() => block(executor, 'refused', 10)).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_QUEUE_FULL' }),
      );
      // Both are in (the first may wait in the pool for its worker to boot: queued, not running).
      expect(executor.stats.running + executor.stats.queued).toBe(2);
      const admitted = executor.submitWhenReady<string>(
        { id: 'admitted', ms: 10, log: log.path },
        { name: 'block' },
      );
      expect(busy.done()).toBe(false);
      const future = await admitted;
      expect(busy.done()).toBe(true); // room appeared only when the busy task finished
      expect(await Promise.all([queued.result(), future.result()])).toEqual(['queued', 'admitted']);
      expect(log.has('start refused')).toBe(false);
    });

    it.each([
      [1, 1],
      [0, 1], // at 0 one may still wait: else submitWhenReady could never wait at all
      [2, 2],
    ])(
      'bounds the line of submitWhenReady waiters by maxQueue %i: %i wait, the next is refused',
      async (maxQueue, line) => {
        const executor = make({ maxWorkers: 1, maxQueue });
        const busy = block(executor, 'busy', 300);
        for (let i = 0; i < maxQueue; i++) block(executor, `queued ${i}`, 1);
        const waiting = Array.from({ length: line }, (_, i) =>
          executor.submitWhenReady({ id: `waiting ${i}`, ms: 1, log: log.path }, { name: 'block' }),
        );
        await expect(
          executor.submitWhenReady({ id: 'refused', ms: 1, log: log.path }, { name: 'block' }),
        ).rejects.toMatchObject({ code: 'ERR_EXECUTOR_QUEUE_FULL' });
        expect(busy.done()).toBe(false); // the line was full, not empty: nothing had ended yet
        const futures = await Promise.all(waiting);
        expect(await Promise.all(futures.map((future) => future.result()))).toEqual(
          waiting.map((_, i) => `waiting ${i}`),
        );
        expect(log.has('start refused')).toBe(false);
      },
    );

    it('negative control: with one more place in the queue the same submit is accepted', async () => {
      const executor = make({ maxWorkers: 1, maxQueue: 2 });
      const futures = ['busy', 'queued', 'accepted'].map((id) => block(executor, id, 10));
      expect(await Promise.all(futures.map((future) => future.result()))).toEqual([
        'busy',
        'queued',
        'accepted',
      ]);
    });
  });
}
