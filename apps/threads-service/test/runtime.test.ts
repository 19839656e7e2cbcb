import { ADMISSION_OFF } from '@concurrency-lab/launcher';
import { incrementCounter } from '@concurrency-lab/contract-testing';
import {
  createService,
  createServiceMetrics,
  loadConfig,
  type Service,
} from '@concurrency-lab/service-kit';
import pino from 'pino';
import { threadId } from 'node:worker_threads';
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
