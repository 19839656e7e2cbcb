import { createServiceMetrics, loadConfig } from '@concurrency-lab/service-kit';
import pino from 'pino';
import os, { availableParallelism } from 'node:os';
import { threadId } from 'node:worker_threads';
import { hybridRunner } from '../src/hybrid-runner';
import { hybridThreads } from '../src/hybrid-threads';

describe('threads per hybrid worker process', () => {
  it('shares the CPUs out over the processes by default, at least one thread each', () => {
    const cpus = availableParallelism();
    expect(hybridThreads({}, 1)).toBe(cpus);
    expect(hybridThreads({ HYBRID_THREADS: '' }, 2)).toBe(Math.max(1, Math.floor(cpus / 2)));
    expect(hybridThreads({}, cpus * 4)).toBe(1);
  });

  // This machine's CPUs may divide evenly (2 over 1 or 2 processes); 8 over 3 or 5 does not:
  // whole threads, rounded down, so that the model never runs more threads than CPUs.
  it('rounds the share down: 8 CPUs over 3 processes are 2 threads each, not 3', () => {
    const cpus = jest.spyOn(os, 'availableParallelism').mockReturnValue(8);
    try {
      expect([1, 2, 3, 5, 8, 9].map((processes) => hybridThreads({}, processes))).toEqual([
        8, 4, 2, 1, 1, 1,
      ]);
    } finally {
      cpus.mockRestore();
    }
  });

  it('takes HYBRID_THREADS when it is an integer from 1 to 256', () => {
    expect(hybridThreads({ HYBRID_THREADS: '3' }, 2)).toBe(3);
    expect(hybridThreads({ HYBRID_THREADS: '256' }, 1)).toBe(256);
    expect(hybridThreads({ HYBRID_THREADS: '128' }, 2)).toBe(128);
  });

  it('refuses a product with WORKERS above 256 pool threads, naming both variables', () => {
    for (const [threads, processes] of [
      ['256', 2],
      ['129', 2],
      ['2', 256],
    ] as const) {
      expect(() => hybridThreads({ HYBRID_THREADS: threads }, processes)).toThrow(
        expect.objectContaining({
          code: 'ERR_KIT_INVALID_CONFIG',
          message: expect.stringMatching(/HYBRID_THREADS=\d+ × WORKERS=\d+/) as string,
        }),
      );
    }
  });

  it.each(['0', '257', '1.5', '1e2', '-1', 'two', ' 2'])(
    'refuses HYBRID_THREADS=%j with ERR_KIT_INVALID_CONFIG naming the variable',
    (value) => {
      expect(() => hybridThreads({ HYBRID_THREADS: value }, 2)).toThrow(
        expect.objectContaining({ code: 'ERR_KIT_INVALID_CONFIG' }),
      );
    },
  );
});

describe("a hybrid worker process's runner", () => {
  it('runs CPU work on a pool thread and exports the pool metrics on the process registry', async () => {
    const metrics = createServiceMetrics('hybrid');
    const config = { ...loadConfig({}, { port: 0 }), workers: 2 };
    const runner = await hybridRunner(config, pino({ level: 'silent' }), metrics, {
      HYBRID_THREADS: '2',
    });
    try {
      expect(runner.workers).toBe(2);
      const outcome = await runner.run(
        { kind: 'fib', n: 20 },
        { signal: new AbortController().signal },
      );
      expect(outcome.result).toBe(6765);
      expect(outcome.threadId).not.toBe(threadId);
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/^lab_pool_task_run_seconds_count\{[^}]*model="hybrid"[^}]*\} 1$/m);
      expect(text).toMatch(/^lab_worker_restarts_total\{[^}]*kind="thread"[^}]*\} 0$/m);
    } finally {
      await runner.close();
    }
  });

  // The process's share of the CPUs: over the WORKERS processes of its configuration, not the
  // whole machine's to each process (8 threads in each of 4 processes on 8 CPUs).
  it('starts, without HYBRID_THREADS, the CPUs shared out over the configured processes', async () => {
    const cpus = jest.spyOn(os, 'availableParallelism').mockReturnValue(8);
    const config = { ...loadConfig({}, { port: 0 }), workers: 4 };
    try {
      const runner = await hybridRunner(
        config,
        pino({ level: 'silent' }),
        createServiceMetrics('hybrid'),
        {},
      );
      try {
        expect(runner.workers).toBe(2);
      } finally {
        await runner.close();
      }
    } finally {
      cpus.mockRestore();
    }
  });

  // Admission bounds a process's requests in flight by MAX_QUEUE too; the pool's own bound is
  // MAX_QUEUE's as well, not a default of its own (1000 waiting tasks).
  it("bounds the pool's queue by MAX_QUEUE: past it a task is refused with ERR_OVERLOADED", async () => {
    const config = { ...loadConfig({}, { port: 0 }), workers: 1, maxQueue: 1 };
    const runner = await hybridRunner(
      config,
      pino({ level: 'silent' }),
      createServiceMetrics('hybrid'),
      { HYBRID_THREADS: '1' },
    );
    try {
      const { signal } = new AbortController();
      // One runs on the only thread, one waits, the third finds the queue full.
      const outcomes = await Promise.all(
        [1, 2, 3].map(() =>
          runner.run({ kind: 'fib', n: 25 }, { signal }).then(
            (outcome) => outcome.result,
            (error: { code?: string }) => error.code,
          ),
        ),
      );
      expect(outcomes).toEqual([75025, 75025, 'ERR_OVERLOADED']);
    } finally {
      await runner.close();
    }
  });
});
