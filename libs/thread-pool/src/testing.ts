import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { WorkRunner } from '@concurrency-lab/service-kit';
import {
  applyFilter,
  decodePng,
  encodePng,
  generateTestImage,
  imageChecksum,
  type CpuTask,
  type FilterName,
} from '@concurrency-lab/workloads';
import { startTracing } from '@concurrency-lab/telemetry';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PoolRunnerStats, PoolWorkerKind } from './pool-task';
import { FIB_KILLS_ITS_WORKER, PRIMES_DIES_ON_CUE } from './task-faults';

/*
 * What every pool-backed `WorkRunner` promises, as one jest suite run against each of them —
 * `ThreadPoolRunner` (this lib's tests) and procpool's `ProcessPoolRunner` (its e2e) — with real
 * threads and real processes. A test-only subpath (`@concurrency-lab/thread-pool/testing`).
 */

/** A pool-backed runner as the suite drives it. */
export interface PoolRunnerUnderTest extends WorkRunner {
  stats(): PoolRunnerStats;
}

/** What the suite asks of a runner it starts. */
export interface PoolRunnerSettings {
  workers: number;
  maxQueue: number;
  /** Each task's wait and run (no run for a task that never reached a worker). */
  onTaskTiming?: (waitSeconds: number, runSeconds?: number) => void;
  /** At most how long `close()` lets running work go on (default RUNNER_CLOSE_TIMEOUT_MS). */
  closeTimeoutMs?: number;
  /** How long a cancelled task on a worker may run on (default CANCEL_GRACE_MS). */
  cancelGraceMs?: number;
}

export { FIB_KILLS_ITS_WORKER, PRIMES_DIES_ON_CUE } from './task-faults';

export interface PoolRunnerTarget {
  /** What runs the tasks. */
  readonly worker: PoolWorkerKind;
  /** The model label its spans carry (`@concurrency-lab/models`). */
  readonly model: string;
  /**
   * A folder the target's task module leaves a mark in: an empty file named after `limit`
   * when it starts `primes(limit)` and the folder exists (the suite makes and removes it) —
   * proof that a task reached a worker, or by its absence that it never did.
   */
  readonly marks: string;
  /**
   * A runner ready to take tasks, over workers that run the real tasks of a task module
   * (fixture) that also kills its worker on fib({@link FIB_KILLS_ITS_WORKER}), leaves `marks`,
   * and kills its worker on cue in primes({@link PRIMES_DIES_ON_CUE}).
   */
  start(settings: PoolRunnerSettings): Promise<PoolRunnerUnderTest>;
}

/**
 * Polls `check` (sync or async) every 20 ms until it holds or `attempts` polls passed; the last
 * result. (This suite lives in a model lib's src, which may not import the launcher's `until`.)
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  attempts = 200,
): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

const never = (): AbortSignal => new AbortController().signal;

/** A running pool-backed service's runner figures, as its `/info` reports them. */
export async function runnerStatsOf(url: string): Promise<PoolRunnerStats> {
  return ((await (await fetch(`${url}/info`)).json()) as { runner: PoolRunnerStats }).runner;
}

/** `/info`'s runner figures once `done` holds of them (polled every 20 ms, ~5 s at most). */
export async function runnerStatsWhen(
  url: string,
  done: (stats: PoolRunnerStats) => boolean,
): Promise<PoolRunnerStats> {
  let stats!: PoolRunnerStats;
  await eventually(async () => done((stats = await runnerStatsOf(url))), 250);
  return stats;
}

/**
 * A client of a service (one pool worker, admission off) leaves while its fib(40) runs in the
 * pool: answers the runner's figures once the task is cancelled and its worker replaced. It
 * leaves only once the task runs — before, it would be a queued abort and no worker replaced.
 */
export async function leaveWhileFibRuns(url: string): Promise<PoolRunnerStats> {
  const client = new AbortController();
  const left = fetch(`${url}/cpu/fib?n=40`, { signal: client.signal });
  expect((await runnerStatsWhen(url, (s) => s.running === 1)).running).toBe(1);
  client.abort();
  await expect(left).rejects.toMatchObject({ name: 'AbortError' });
  return runnerStatsWhen(url, (s) => s.cancelled === 1 && s.replaced === 1 && s.size === 1);
}

/**
 * The runner's counts from now on: a function that answers how many tasks completed, were
 * cancelled or failed, and how many workers were replaced since it was made, whatever the
 * runner did before it (tasks of earlier tests on a shared runner, say).
 */
export function countsSince(runner: { stats(): PoolRunnerStats }): () => {
  completed: number;
  cancelled: number;
  failed: number;
  replaced: number;
} {
  const before = runner.stats();
  return () => {
    const now = runner.stats();
    return {
      completed: now.completed - before.completed,
      cancelled: now.cancelled - before.cancelled,
      failed: now.failed - before.failed,
      replaced: now.replaced - before.replaced,
    };
  };
}

/** A PNG signature followed by garbage: the client's fault (400), not the worker's. */
const CORRUPT_PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

/** The suite: cancellation, crashes, client errors, images across, the queue bound and tracing. */
export function describePoolRunner(name: string, target: PoolRunnerTarget): void {
  const workers = target.worker === 'thread' ? 'threads' : 'processes';
  /** Each task's wait and run as the pool metrics' hook received them (seconds), in order. */
  type TaskTiming = [wait: number, run: number | undefined];
  const withRunner = async (
    settings: Partial<PoolRunnerSettings>,
    test: (runner: PoolRunnerUnderTest, timings: TaskTiming[]) => Promise<void>,
  ): Promise<void> => {
    const timings: TaskTiming[] = [];
    const runner = await target.start({
      workers: 2,
      maxQueue: 16,
      onTaskTiming: (wait, run) => timings.push([wait, run]),
      ...settings,
    });
    try {
      await test(runner, timings);
    } finally {
      await runner.close();
    }
  };

  /**
   * Runs `task`, aborts its signal once `when` holds of the runner's figures, and checks that
   * the run was answered with the abort's reason at once (whatever its worker still does).
   */
  const cancelWhen = async (
    runner: PoolRunnerUnderTest,
    task: CpuTask,
    when: (stats: PoolRunnerStats) => boolean,
    reason = new Error('client went away'),
  ): Promise<void> => {
    const controller = new AbortController();
    const cancelled = runner.run(task, { signal: controller.signal });
    expect(await eventually(() => when(runner.stats()))).toBe(true);
    controller.abort(reason);
    await expect(cancelled).rejects.toBe(reason);
  };

  describe(`${name}: a WorkRunner over a pool of ${workers} (real ${workers})`, () => {
    beforeAll(() => {
      mkdirSync(target.marks, { recursive: true });
    });
    afterAll(() => rmSync(target.marks, { recursive: true, force: true }));

    it(`runs CPU work on one of its ${workers} and reports its wait and run`, async () => {
      await withRunner({}, async (runner, timings) => {
        const before = runner.stats().completed;
        const outcome = await runner.run({ kind: 'fib', n: 20 }, { signal: never() });
        expect(outcome.result).toBe(6765);
        expect(outcome.workMs).toBeGreaterThan(0);
        // A thread has its own id; a process runs the task on its main thread (0).
        expect(outcome.threadId > 0).toBe(target.worker === 'thread');
        expect(timings).toEqual([[outcome.queueMs / 1000, outcome.workMs / 1000]]);
        expect(runner.stats().completed).toBe(before + 1);
      });
    });

    it('a queued task whose signal aborts never runs; the running one is untouched', async () => {
      await withRunner({ workers: 1 }, async (runner, timings) => {
        const busy = runner.run({ kind: 'fib', n: 36 }, { signal: never() });
        await cancelWhen(runner, { kind: 'primes', limit: 1001 }, (s) => s.queued === 1);
        expect(runner.stats().queued).toBe(0);
        await expect(busy).resolves.toMatchObject({ result: 14930352 });
        // The worker is free again: a later task leaves its mark, the cancelled one never did.
        await runner.run({ kind: 'primes', limit: 1002 }, { signal: never() });
        expect(existsSync(join(target.marks, '1002'))).toBe(true);
        expect(existsSync(join(target.marks, '1001'))).toBe(false);
        expect(runner.stats()).toMatchObject({ cancelled: 1, replaced: 0 });
        // Its wait counts (it waited its whole life: a wait histogram without it reads short
        // exactly when the queue is long), with no run; the two tasks that ran have both.
        expect(timings.map(([w, r]) => [w >= 0, r !== undefined])).toEqual([
          [true, false],
          [true, true],
          [true, true],
        ]);
        expect(timings[0]?.[0]).toBeGreaterThan(0);
      });
    });

    it('a running task whose signal aborts has its worker stopped and replaced once its grace has passed', async () => {
      await withRunner({ workers: 1 }, async (runner, timings) => {
        await cancelWhen(runner, { kind: 'fib', n: 40 }, (s) => s.running === 1);
        // Answered at once; the worker is stopped only when the grace (100 ms) is over.
        expect(runner.stats()).toMatchObject({ running: 1, replaced: 0 });
        expect(
          await eventually(() => runner.stats().replaced === 1 && runner.stats().size === 1),
        ).toBe(true);
        // The only worker is a fresh one: fib(40) would hold it for seconds otherwise.
        await expect(
          runner.run({ kind: 'fib', n: 10 }, { signal: never() }),
        ).resolves.toMatchObject({ result: 55 });
        expect(runner.stats()).toMatchObject({ cancelled: 1, replaced: 1, running: 0 });
        // The cancelled task counts with its wait and its run until the abort, as the next.
        expect(timings).toHaveLength(2);
        expect(timings.every(([, r]) => r !== undefined && r > 0)).toBe(true);
      });
    });

    // Cancelled as it starts, fib(36) (~0.2 s) ends within a grace of 5 s, fib(40) (seconds)
    // outlives one of 0. The request is answered at once either way; the worker is kept in the
    // first.
    it.each([
      { graceMs: 5_000, n: 36, kept: 'kept', outcome: { completed: 1, cancelled: 0, replaced: 0 } },
      { graceMs: 0, n: 40, kept: 'replaced', outcome: { completed: 0, cancelled: 1, replaced: 1 } },
    ])(
      'a running task cancelled with a grace of $graceMs ms: answered at once, its worker $kept',
      async ({ graceMs, n, outcome }) => {
        await withRunner({ workers: 1, cancelGraceMs: graceMs }, async (runner, timings) => {
          const since = countsSince(runner);
          await cancelWhen(runner, { kind: 'fib', n }, (s) => s.running === 1);
          expect(
            await eventually(
              () =>
                runner.stats().running === 0 &&
                runner.stats().size === 1 &&
                since().replaced === outcome.replaced,
            ),
          ).toBe(true);
          expect(since()).toEqual({ ...outcome, failed: 0 });
          expect(runner.stats()).toMatchObject({ crashed: 0, failed: 0 });
          // Either way its wait and its run count, the run until its worker was free again.
          expect(timings).toHaveLength(1);
          expect(timings[0]?.[1]).toBeGreaterThan(0);
        });
      },
    );

    it('a worker that dies fails only its own task with 500 ERR_WORKER_CRASHED, and is replaced', async () => {
      await withRunner({}, async (runner, timings) => {
        const neighbour = runner.run({ kind: 'fib', n: 27 }, { signal: never() });
        await expect(
          runner.run({ kind: 'fib', n: FIB_KILLS_ITS_WORKER }, { signal: never() }),
        ).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED', status: 500 });
        await expect(neighbour).resolves.toMatchObject({ result: 196418 });
        expect(
          await eventually(() => runner.stats().replaced === 1 && runner.stats().size === 2),
        ).toBe(true);
        expect(runner.stats()).toMatchObject({ crashed: 1 });
        await expect(
          runner.run({ kind: 'fib', n: 20 }, { signal: never() }),
        ).resolves.toMatchObject({ result: 6765 });
        // The lost task counts too, its run until its worker died: three tasks, three runs.
        expect(timings.map(([, r]) => r !== undefined)).toEqual([true, true, true]);
      });
    });

    // A task's one outcome is its request's answer. Cancelled, it was answered with the cancel
    // (504, or nothing for a client gone) whatever its worker does next: a worker dying in the
    // grace is one more restart (a worker's figure), not a crashed task — no request got a 500.
    // With a grace of 30 s, only the cue can end the worker within the test.
    const dieOnCue = async (
      runner: PoolRunnerUnderTest,
      signal: AbortSignal,
      beforeCue: () => void,
    ): Promise<unknown> => {
      const limit = PRIMES_DIES_ON_CUE;
      const running = runner.run({ kind: 'primes', limit }, { signal }).then(
        () => 'answered',
        (error: unknown) => error,
      );
      // The mark: the task is on its worker, waiting for its cue.
      expect(await eventually(() => existsSync(join(target.marks, String(limit))))).toBe(true);
      beforeCue();
      writeFileSync(join(target.marks, `${limit}.exit`), '');
      try {
        expect(
          await eventually(
            () =>
              runner.stats().running === 0 &&
              runner.stats().replaced === 1 &&
              runner.stats().size === 1,
          ),
        ).toBe(true);
        return await running;
      } finally {
        rmSync(join(target.marks, `${limit}.exit`), { force: true });
        rmSync(join(target.marks, String(limit)), { force: true });
      }
    };

    it("a worker that dies in its cancelled task's grace: the task counts once, cancelled", async () => {
      await withRunner({ workers: 1, cancelGraceMs: 30_000 }, async (runner, timings) => {
        const controller = new AbortController();
        const reason = new Error('client went away');
        const answer = await dieOnCue(runner, controller.signal, () => {
          controller.abort(reason);
          // Answered at once; the task runs on in its grace.
          expect(runner.stats()).toMatchObject({ running: 1, replaced: 0 });
        });
        expect(answer).toBe(reason);
        expect(runner.stats()).toMatchObject({
          completed: 0,
          cancelled: 1,
          failed: 0,
          crashed: 0,
          replaced: 1,
        });
        // One wait and run for the one task, its run until its worker died.
        expect(timings).toHaveLength(1);
        expect(timings[0]?.[1]).toBeGreaterThan(0);
        await expect(
          runner.run({ kind: 'fib', n: 20 }, { signal: never() }),
        ).resolves.toMatchObject({ result: 6765 });
      });
    });

    it('a worker that dies on cue under a task not cancelled: the task counts once, crashed (the control)', async () => {
      await withRunner({ workers: 1, cancelGraceMs: 30_000 }, async (runner, timings) => {
        const answer = await dieOnCue(runner, never(), () => undefined);
        expect(answer).toMatchObject({ code: 'ERR_WORKER_CRASHED', status: 500 });
        expect(runner.stats()).toMatchObject({
          completed: 0,
          cancelled: 0,
          failed: 1,
          crashed: 1,
          replaced: 1,
        });
        expect(timings).toHaveLength(1);
      });
    });

    it('keeps the code of a client error raised in the worker: a corrupt PNG stays a 400', async () => {
      await withRunner({}, async (runner) => {
        await expect(
          runner.run({ kind: 'filter', filter: 'blur', png: CORRUPT_PNG }, { signal: never() }),
        ).rejects.toMatchObject({ code: 'ERR_WORKLOAD_INVALID_IMAGE' });
        expect(runner.stats()).toMatchObject({ crashed: 0, replaced: 0 });
      });
    });

    // An image crosses to a worker and back. A thread pool moves an upload that owns its memory
    // (zero-copy: our side of it is detached), and copies a view into Node's shared Buffer pool
    // slab rather than detach memory other Buffers use. A process pool copies every upload: each
    // is left intact.
    it.each([
      { upload: 'a buffer of its own', side: 32, filter: 'sharpen', owned: true },
      { upload: 'a view into a Buffer pool slab', side: 16, filter: 'blur', owned: false },
      { upload: 'a view into a Buffer pool slab', side: 48, filter: 'sharpen', owned: false },
    ] satisfies { upload: string; side: number; filter: FilterName; owned: boolean }[])(
      'filters $upload ($side px, $filter) on a worker: the right result, the upload moved or intact',
      async ({ side, filter, owned }) => {
        await withRunner({}, async (runner) => {
          const encoded = encodePng(generateTestImage(side));
          // A view 32 bytes into a slab 64 bytes longer (allocUnsafe takes it from the pool).
          const png = owned
            ? new Uint8Array(encoded.length)
            : Buffer.allocUnsafe(encoded.length + 64).subarray(32, 32 + encoded.length);
          png.set(encoded);
          const out = await runner.run({ kind: 'filter', filter, png }, { signal: never() });
          expect(decodePng(out.result).width).toBe(side);
          expect(imageChecksum(decodePng(out.result))).toBe(
            imageChecksum(applyFilter(generateTestImage(side), filter)),
          );
          expect(out.threadId > 0).toBe(target.worker === 'thread');
          const moved = owned && target.worker === 'thread';
          expect(png.buffer.byteLength > 0).toBe(!moved);
          if (!moved) expect(Buffer.from(png).equals(encoded)).toBe(true);
        });
      },
    );

    it('refuses a task with 503 ERR_OVERLOADED once the queue bound is reached', async () => {
      await withRunner({ workers: 1, maxQueue: 1 }, async (runner) => {
        const busy = runner.run({ kind: 'fib', n: 34 }, { signal: never() });
        expect(await eventually(() => runner.stats().running === 1)).toBe(true);
        const queued = runner.run({ kind: 'fib', n: 5 }, { signal: never() });
        await expect(runner.run({ kind: 'fib', n: 5 }, { signal: never() })).rejects.toMatchObject({
          code: 'ERR_OVERLOADED',
          status: 503,
          retryAfterSeconds: 1,
          shedReason: 'pool_queue_full',
        });
        await expect(queued).resolves.toMatchObject({ result: 5 });
        await expect(busy).resolves.toMatchObject({ result: 5702887 });
      });
    });

    it('close() lets a running task finish within closeTimeoutMs (the control)', async () => {
      const runner = await target.start({ workers: 1, maxQueue: 16, closeTimeoutMs: 30_000 });
      const running = runner.run({ kind: 'fib', n: 36 }, { signal: never() });
      expect(await eventually(() => runner.stats().running === 1)).toBe(true);
      await runner.close();
      await expect(running).resolves.toMatchObject({ result: 14930352 });
    });

    it("close() ends a cancelled task's grace at once: nobody waits for it any more", async () => {
      // Without that, close() would let fib(40) (a second or two) finish within its 30 s.
      const runner = await target.start({
        workers: 1,
        maxQueue: 16,
        closeTimeoutMs: 30_000,
        cancelGraceMs: 60_000,
      });
      const since = countsSince(runner);
      await cancelWhen(runner, { kind: 'fib', n: 40 }, (s) => s.running === 1);
      expect(runner.stats().running).toBe(1); // in its grace
      await runner.close();
      expect(since()).toMatchObject({ completed: 0, cancelled: 1 });
    });

    it(`close() stops a task that outlives closeTimeoutMs: 503 ERR_SHUTTING_DOWN, no worker left`, async () => {
      // fib(44) runs for seconds, standing for any task that will not end in time (a share
      // blocked on a lock a terminated thread left wedged): without the bound, close() waited
      // for it — piscina's 30 s on threads, forever on processes — and it answered.
      const runner = await target.start({ workers: 1, maxQueue: 16, closeTimeoutMs: 100 });
      const running = runner.run({ kind: 'fib', n: 44 }, { signal: never() });
      const outcome = running.then(
        () => 'finished',
        (error: unknown) => error,
      );
      expect(await eventually(() => runner.stats().running === 1)).toBe(true);
      await runner.close();
      expect(await outcome).toMatchObject({
        code: 'ERR_SHUTTING_DOWN',
        status: 503,
        retryAfterSeconds: 1,
      });
      expect(runner.stats()).toMatchObject({ running: 0, crashed: 0, replaced: 0, size: 0 });
    });

    it('close() refuses a task still queued and one given after it: 503, never ran, no crash', async () => {
      const runner = await target.start({ workers: 1, maxQueue: 16, closeTimeoutMs: 30_000 });
      const settled = (work: Promise<unknown>) =>
        work.then(
          (value) => value,
          (error: unknown) => error,
        );
      const running = settled(runner.run({ kind: 'fib', n: 30 }, { signal: never() }));
      expect(await eventually(() => runner.stats().running === 1)).toBe(true);
      const queued = settled(runner.run({ kind: 'fib', n: 5 }, { signal: never() }));
      expect(runner.stats().queued).toBe(1);
      const closed = runner.close();
      const late = settled(runner.run({ kind: 'fib', n: 6 }, { signal: never() }));
      // The control: the task already on its worker finishes within closeTimeoutMs.
      expect(await running).toMatchObject({ result: 832040 });
      for (const outcome of [await queued, await late]) {
        expect(outcome).toMatchObject({
          code: 'ERR_SHUTTING_DOWN',
          status: 503,
          retryAfterSeconds: 1,
          detail: `The ${target.worker} pool closed before this task reached a ${target.worker}: it never ran`,
        });
      }
      await closed;
      expect(runner.stats()).toMatchObject({ crashed: 0, completed: 1 });
    });

    describe('a task in the request trace (in-memory exporter)', () => {
      const exporter = new InMemorySpanExporter();
      const tracing = startTracing({ model: target.model, exporter, instrument: false });
      afterEach(() => exporter.reset());
      afterAll(() => tracing.shutdown());

      it('records the queue wait and the run under the request span, in its trace', async () => {
        await withRunner({}, async (runner) => {
          const tracer = trace.getTracer('test');
          await tracer.startActiveSpan('GET /cpu/fib', { kind: SpanKind.SERVER }, async (span) => {
            await runner.run({ kind: 'fib', n: 20 }, { signal: never() });
            span.end();
          });
          const spans = exporter.getFinishedSpans();
          const server = spans.find((s) => s.name === 'GET /cpu/fib');
          const wait = spans.find((s) => s.name === 'pool.queue_wait');
          const run = spans.find((s) => s.name === 'pool.run fib');
          expect(wait?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
          expect(run?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
          expect(run?.spanContext().traceId).toBe(server?.spanContext().traceId);
          expect((run?.attributes['thread.id'] as number) > 0).toBe(target.worker === 'thread');
          // A process pool's run names its child; a thread runs in this process.
          const pid = run?.attributes['process.pid'];
          if (target.worker === 'process')
            expect([typeof pid, pid === process.pid]).toEqual(['number', false]);
          else expect(pid).toBeUndefined();
          // The worker read the same trace id from the task it was sent.
          expect(run?.attributes['lab.thread_trace_id']).toBe(server?.spanContext().traceId);
          expect(spans.filter((s) => s.name.startsWith('pool.'))).toHaveLength(2);
        });
      });

      /**
       * Runs `work` under a server span, ended when `work` settles as a service ends it when it
       * answers, then waits for `settled` (a task that runs on past its answer); the spans that
       * span's trace exported.
       */
      const traced = async (work: () => Promise<unknown>, settled?: () => Promise<void>) => {
        await trace
          .getTracer('test')
          .startActiveSpan('GET /cpu/fib', { kind: SpanKind.SERVER }, async (span) => {
            await work().catch(() => undefined);
            span.end();
          });
        await settled?.();
        const spans = exporter.getFinishedSpans();
        const server = spans.find((s) => s.name === 'GET /cpu/fib');
        return { server, pool: spans.filter((s) => s.name.startsWith('pool.')) };
      };

      it('records a task its request cancelled mid-run as one pool.task span, marked cancelled', async () => {
        await withRunner({ workers: 1 }, async (runner) => {
          const { server, pool } = await traced(
            // Answered at once, as the service answers a 504 or a client that left.
            () => cancelWhen(runner, { kind: 'fib', n: 40 }, (s) => s.running === 1),
            // The task's span ends with the task, once its grace is over and its worker stopped.
            async () => expect(await eventually(() => runner.stats().replaced === 1)).toBe(true),
          );
          expect(pool.map((s) => s.name)).toEqual(['pool.task fib']);
          expect(pool[0]?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
          expect(pool[0]?.attributes['lab.cancelled']).toBe(true);
          expect(pool[0]?.status.code).toBe(SpanStatusCode.UNSET);
        });
      });

      it('records a task that ends within its grace, after its request was answered, as its wait and run', async () => {
        await withRunner({ workers: 1, cancelGraceMs: 5_000 }, async (runner) => {
          const { server, pool } = await traced(
            () => cancelWhen(runner, { kind: 'fib', n: 36 }, (s) => s.running === 1),
            async () => expect(await eventually(() => runner.stats().completed === 1)).toBe(true),
          );
          expect(pool.map((s) => s.name).sort()).toEqual(['pool.queue_wait', 'pool.run fib']);
          for (const span of pool)
            expect(span.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
        });
      });

      it('records a task whose worker died as one pool.task span, marked as an error', async () => {
        await withRunner({}, async (runner) => {
          const { pool } = await traced(() =>
            runner.run({ kind: 'fib', n: FIB_KILLS_ITS_WORKER }, { signal: never() }),
          );
          expect(pool.map((s) => s.name)).toEqual(['pool.task fib']);
          expect(pool[0]?.status.code).toBe(SpanStatusCode.ERROR);
          expect(pool[0]?.events.map((e) => e.name)).toEqual(['exception']);
        });
      });

      it('records no pool spans for work outside a trace (warm-ups, benchmarks)', async () => {
        await withRunner({}, async (runner) => {
          await runner.run({ kind: 'fib', n: 5 }, { signal: never() });
          expect(exporter.getFinishedSpans()).toEqual([]);
        });
      });
    });
  });
}
