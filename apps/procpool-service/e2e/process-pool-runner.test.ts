import { startTracing } from '@concurrency-lab/telemetry';
import {
  applyFilter,
  decodePng,
  encodePng,
  generateTestImage,
  imageChecksum,
} from '@concurrency-lab/workloads';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessPoolRunner, type ProcessPoolRunnerOptions } from '../src/process-pool-runner';

/** The real tasks plus faults on demand (see the fixture). */
const FAULT_TASKS = join(__dirname, 'fixtures', 'fault-tasks.js');
const never = () => new AbortController().signal;

async function eventually(check: () => boolean, attempts = 200): Promise<boolean> {
  for (let i = 0; i < attempts && !check(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

async function withRunner(
  options: Partial<ProcessPoolRunnerOptions>,
  test: (runner: ProcessPoolRunner) => Promise<void>,
): Promise<void> {
  const runner = new ProcessPoolRunner({
    filename: FAULT_TASKS,
    workers: 2,
    maxQueue: 16,
    ...options,
  });
  try {
    await runner.warmUp();
    await test(runner);
  } finally {
    await runner.close();
  }
}

describe('ProcessPoolRunner: the contract over a ProcessPoolExecutor (real child processes)', () => {
  // Where the fixture's primes tasks leave their marks (see fault-tasks.js).
  const marks = join(tmpdir(), `procpool-marks-${process.pid}`);
  beforeAll(() => mkdirSync(marks));
  afterAll(() => rmSync(marks, { recursive: true, force: true }));

  it('runs CPU work in a child process and reports its wait and run', async () => {
    const timings: number[][] = [];
    await withRunner({ onTaskTiming: (w, r) => timings.push([w, r]) }, async (runner) => {
      const outcome = await runner.run({ kind: 'fib', n: 20 }, { signal: never() });
      expect(outcome).toMatchObject({ result: 6765, threadId: 0 });
      expect(outcome.workMs).toBeGreaterThan(0);
      expect(timings).toHaveLength(1);
      expect(runner.stats()).toMatchObject({ size: 2, completed: 3 }); // 2 warm-ups + fib
    });
  });

  it('a queued task whose signal aborts never runs; the running one is untouched', async () => {
    await withRunner({ workers: 1 }, async (runner) => {
      const busy = runner.run({ kind: 'fib', n: 32 }, { signal: never() });
      const controller = new AbortController();
      const queued = runner.run({ kind: 'primes', limit: 1001 }, { signal: controller.signal });
      expect(await eventually(() => runner.stats().queued === 1)).toBe(true);
      const reason = new Error('deadline');
      controller.abort(reason);
      await expect(queued).rejects.toBe(reason);
      await expect(busy).resolves.toMatchObject({ result: 2178309 });
      // The process is free again; a later task leaves its mark, the cancelled one never did.
      await runner.run({ kind: 'primes', limit: 1002 }, { signal: never() });
      expect(existsSync(join(marks, '1002'))).toBe(true);
      expect(existsSync(join(marks, '1001'))).toBe(false);
      expect(runner.stats()).toMatchObject({ cancelled: 1, replaced: 0 });
    });
  });

  it('a running task whose signal aborts has its process killed and replaced', async () => {
    let replaced = 0;
    await withRunner({ workers: 1, onWorkerReplaced: () => replaced++ }, async (runner) => {
      const controller = new AbortController();
      const running = runner.run({ kind: 'fib', n: 40 }, { signal: controller.signal });
      expect(await eventually(() => runner.stats().running === 1)).toBe(true);
      const reason = new Error('client went away');
      controller.abort(reason);
      await expect(running).rejects.toBe(reason);
      expect(await eventually(() => replaced === 1 && runner.stats().size === 1)).toBe(true);
      // The only process is a fresh one: fib(40) would hold it for seconds otherwise.
      await expect(runner.run({ kind: 'fib', n: 10 }, { signal: never() })).resolves.toMatchObject({
        result: 55,
      });
      expect(runner.stats()).toMatchObject({ cancelled: 1, replaced: 1 });
    });
  });

  it('a process that dies fails only its own task with 500 ERR_WORKER_CRASHED, and is replaced', async () => {
    let replaced = 0;
    await withRunner({ onWorkerReplaced: () => replaced++ }, async (runner) => {
      const neighbour = runner.run({ kind: 'fib', n: 27 }, { signal: never() });
      await expect(runner.run({ kind: 'fib', n: 39 }, { signal: never() })).rejects.toMatchObject({
        code: 'ERR_WORKER_CRASHED',
        status: 500,
      });
      await expect(neighbour).resolves.toMatchObject({ result: 196418 });
      expect(await eventually(() => replaced === 1 && runner.stats().size === 2)).toBe(true);
      expect(runner.stats()).toMatchObject({ crashed: 1 });
      await expect(runner.run({ kind: 'fib', n: 20 }, { signal: never() })).resolves.toMatchObject({
        result: 6765,
      });
    });
  });

  it('keeps the code of a client error raised in the process: a corrupt PNG stays a 400', async () => {
    await withRunner({}, async (runner) => {
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
      await expect(
        runner.run({ kind: 'filter', filter: 'blur', png }, { signal: never() }),
      ).rejects.toMatchObject({ code: 'ERR_WORKLOAD_INVALID_IMAGE' });
      expect(runner.stats()).toMatchObject({ crashed: 0, replaced: 0 });
    });
  });

  it('copies a PNG to the process and back: the result is right, the upload left intact', async () => {
    await withRunner({}, async (runner) => {
      const encoded = encodePng(generateTestImage(48));
      const slab = Buffer.allocUnsafe(encoded.length + 64); // a view into a larger buffer
      const upload = slab.subarray(32, 32 + encoded.length);
      encoded.copy(upload);
      const out = await runner.run(
        { kind: 'filter', filter: 'sharpen', png: upload },
        { signal: never() },
      );
      expect(imageChecksum(decodePng(out.result))).toBe(
        imageChecksum(applyFilter(generateTestImage(48), 'sharpen')),
      );
      // Copied, not moved: our bytes are still here (a thread pool would have detached them).
      expect(upload.equals(encoded)).toBe(true);
    });
  });

  it('refuses a task with 503 ERR_OVERLOADED once the queue bound is reached', async () => {
    await withRunner({ workers: 1, maxQueue: 1 }, async (runner) => {
      const busy = runner.run({ kind: 'fib', n: 30 }, { signal: never() });
      await eventually(() => runner.stats().running === 1);
      const queued = runner.run({ kind: 'fib', n: 5 }, { signal: never() });
      await expect(runner.run({ kind: 'fib', n: 5 }, { signal: never() })).rejects.toMatchObject({
        code: 'ERR_OVERLOADED',
        status: 503,
        retryAfterSeconds: 1,
        shedReason: 'pool_queue_full',
      });
      await expect(queued).resolves.toMatchObject({ result: 5 });
      await busy;
    });
  });
});

describe('ProcessPoolRunner: a task in the request trace (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ model: 'procpool', exporter, instrument: false });
  afterAll(() => tracing.shutdown());

  it('records the queue wait and the run in the child under the request span, in its trace', async () => {
    await withRunner({}, async (runner) => {
      const tracer = trace.getTracer('test');
      await tracer.startActiveSpan('GET /cpu/fib', { kind: SpanKind.SERVER }, async (server) => {
        await runner.run({ kind: 'fib', n: 20 }, { signal: never() });
        server.end();
      });
      const spans = exporter.getFinishedSpans();
      const server = spans.find((s) => s.name === 'GET /cpu/fib');
      const wait = spans.find((s) => s.name === 'pool.queue_wait');
      const run = spans.find((s) => s.name === 'pool.run fib');
      expect(wait?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
      expect(run?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
      // The child read the same trace id from the task's argument.
      expect(run?.attributes['lab.thread_trace_id']).toBe(server?.spanContext().traceId);
      // The warm-ups ran outside any request: no spans of their own.
      expect(spans.filter((s) => s.name.startsWith('pool.run'))).toHaveLength(1);
    });
  });
});
