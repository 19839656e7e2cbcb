import { createServiceMetrics, loadConfig } from '@concurrency-lab/service-kit';
import pino from 'pino';
import { availableParallelism } from 'node:os';
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
});
