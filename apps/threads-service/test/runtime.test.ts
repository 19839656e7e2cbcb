import { ADMISSION_OFF } from '@concurrency-lab/launcher';
import { incrementCounter } from '@concurrency-lab/contract-testing';
import { eventually } from '@concurrency-lab/thread-pool/testing';
import {
  createService,
  createServiceMetrics,
  loadConfig,
  type Service,
} from '@concurrency-lab/service-kit';
import pino from 'pino';
import { threadId } from 'node:worker_threads';
import { START_LINE_BYTES, type ThreadPoolRunner } from '@concurrency-lab/thread-pool';
import { threadsRuntime } from '../src/runtime';

/** The threads model in-process: the kit with this model's runtime, 2 pool threads, a free port. */
async function start(): Promise<{ service: Service; base: string }> {
  // Event-loop admission off, as in service-kit's test harness: on a loaded machine (two test
  // runs in parallel) the loop of this process can wait for a core longer than the 100 ms
  // default, and admission then rightly sheds the next requests with 503 — what these tests
  // check is the model, and admission has its own tests (and the contract's, on every model).
  const config = {
    ...loadConfig(ADMISSION_OFF, { port: 0 }),
    port: 0,
    workers: 2,
  };
  const logger = pino({ level: 'silent' });
  const metrics = createServiceMetrics('threads');
  const service = createService({
    model: 'threads',
    config,
    runtime: await threadsRuntime(config, logger, metrics),
    logger,
    metrics,
  });
  const { port } = await service.listen();
  return { service, base: `http://127.0.0.1:${port}` };
}

describe('the threads model wired into the kit', () => {
  let service: Service;
  let base: string;
  beforeAll(async () => ({ service, base } = await start()));
  afterAll(async () => {
    expect(await service.shutdown()).toBe('clean');
  });

  it('runs CPU work on a pool thread, not on the thread that serves HTTP', async () => {
    const response = await fetch(`${base}/cpu/fib?n=20`);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      result: number;
      threadId: number;
    };
    expect(answer.result).toBe(6765);
    expect(answer.threadId).toBeGreaterThan(0);
    expect(answer.threadId).not.toBe(threadId);
  });

  it("counts exactly under the counter's SharedMutex, whose waits the threads report back", async () => {
    await fetch(`${base}/counter`, { method: 'DELETE' });
    expect(await incrementCounter(base, 20_000, true)).toMatchObject({
      expected: 20_000,
      actual: 20_000,
    });
    const text = await (await fetch(`${base}/metrics`)).text();
    // 20 000 increments in batches of 1000: 20 acquisitions, each a wait and a hold.
    expect(text).toMatch(/^lab_lock_wait_seconds_count\{[^}]*lock="counter"[^}]*\} 20$/m);
    expect(text).toMatch(/^lab_lock_hold_seconds_count\{[^}]*lock="counter"[^}]*\} 20$/m);
    // In seconds, as the pool's run times: every wait and hold happened within a share's run.
    const sum = (name: string, labels = '') =>
      Number(new RegExp(`^${name}_sum\\{[^}]*${labels}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    const lockSeconds =
      sum('lab_lock_wait_seconds', 'lock="counter"') +
      sum('lab_lock_hold_seconds', 'lock="counter"');
    expect(sum('lab_lock_wait_seconds', 'lock="counter"')).toBeGreaterThan(0);
    expect(sum('lab_lock_hold_seconds', 'lock="counter"')).toBeGreaterThan(0);
    expect(lockSeconds).toBeLessThanOrEqual(sum('lab_pool_task_run_seconds'));
  });

  it('exports the pool metrics, thread restarts at 0 from the start', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^lab_worker_restarts_total\{[^}]*kind="thread"[^}]*\} 0$/m);
    expect(text).toMatch(/^lab_pool_utilization\{[^}]*\} [0-9.]+$/m);
    expect(text).toMatch(/^lab_pool_queue_size\{[^}]*\} 0$/m);
    // fib(20) above and the counter's two shares: at least three timed tasks.
    const runs = Number(/^lab_pool_task_run_seconds_count\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
    expect(runs).toBeGreaterThanOrEqual(3);
  });
});

describe("the threads model's runtime on its own", () => {
  /** The runtime of `env`'s configuration; the warnings its logger wrote. */
  async function runtimeOf(env: Record<string, string>) {
    const warnings: { msg: string; wasOwner?: boolean }[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => warnings.push(JSON.parse(line) as { msg: string }) },
    );
    const config = loadConfig({ ...ADMISSION_OFF, ...env }, { port: 0 });
    const runtime = await threadsRuntime(config, logger, createServiceMetrics('threads'));
    return { runtime, pool: runtime.runner as ThreadPoolRunner, warnings };
  }

  it("bounds its pool's queue by MAX_QUEUE: one task running, one waiting, the next 503", async () => {
    const { pool } = await runtimeOf({ WORKERS: '1', MAX_QUEUE: '1' });
    try {
      const signal = new AbortController().signal;
      const tasks = [1, 2, 3].map(() =>
        pool.run({ kind: 'fib', n: 25 }, { signal }).then(
          () => 'ran',
          (error: { code?: string }) => error.code,
        ),
      );
      expect(await Promise.all(tasks)).toEqual(['ran', 'ran', 'ERR_OVERLOADED']);
    } finally {
      await pool.close();
    }
  });

  it('recovers the counter lock of a pool thread stopped inside it: the next safe increment still counts', async () => {
    const { runtime, pool, warnings } = await runtimeOf({ WORKERS: '1' });
    try {
      // A safe share given a signal of its own (the counter never does that), cancelled: its
      // thread is terminated once its grace has passed — inside the lock, nearly every time.
      for (let round = 1; round <= 3; round++) {
        const cancel = new AbortController();
        const share = pool
          .request(
            {
              op: 'increment',
              times: 2e9,
              safe: true,
              start: new SharedArrayBuffer(START_LINE_BYTES),
              parties: 1,
              submittedAt: Date.now(),
            },
            cancel.signal,
          )
          // The share's promise rejects with the signal's own reason; anything else fails.
          .catch((error: unknown) => (error === cancel.signal.reason ? 'cancelled' : error));
        setTimeout(() => cancel.abort(), 50);
        expect(await share).toBe('cancelled');
        expect(await eventually(() => pool.stats().replaced === round)).toBe(true);
      }
      expect(warnings).toContainEqual(
        expect.objectContaining({
          msg: 'recovered the counter lock from a dead thread',
          wasOwner: true,
        }),
      );
      // Without the recovery, the lock stays with a dead thread and this waits for ever.
      const before = await runtime.counter.read();
      let wedged: NodeJS.Timeout | undefined;
      const next = await Promise.race([
        runtime.counter.increment(4_000, true, new AbortController().signal),
        new Promise((resolve) => {
          wedged = setTimeout(() => resolve('the counter lock is wedged'), 5_000);
        }),
      ]).finally(() => clearTimeout(wedged));
      expect(next).toMatchObject({ expected: before + 4_000, actual: before + 4_000 });
    } finally {
      await pool.close();
    }
  });
});
