import {
  appEntry,
  launch,
  metricSamples,
  metricSum,
  requestOnNewConnection,
  type ServiceProcess,
  ADMISSION_OFF,
} from '@concurrency-lab/launcher';
import { untilLog } from '@concurrency-lab/launcher/testing';
import { join } from 'node:path';

/** Preloaded into the primary and so into its processes: their pool threads boot slowly. */
const THREAD_BOOT = join(__dirname, 'fixtures', 'thread-boot.cjs');

interface LogLine {
  msg: string;
  pid: number;
  workerPids?: number[];
}

describe('hybrid-service: processes, each with its threads', () => {
  let service: ServiceProcess;
  beforeEach(async () => {
    service = await launch(appEntry('hybrid-service'), {
      // Admission off: the tests count every answer (12 tasks, 12 runs), and on contended cores
      // admission rightly refuses some with 503 — drilled by the contract's admission part.
      env: { WORKERS: '2', HYBRID_THREADS: '2', ...ADMISSION_OFF },
    });
  });
  afterEach(async () => {
    expect(await service.stop()).toEqual({ code: 0, signal: null });
  });

  it("sums every process's pool metrics on /metrics", async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => requestOnNewConnection(`${service.url}/cpu/fib?n=18`)),
    );
    const pids = new Set(answers.map((a) => (JSON.parse(a.body) as { pid: number }).pid));
    expect(pids.size).toBe(2); // both worker processes served some
    const text = await (await fetch(`${service.url}/metrics`)).text();
    // 12 tasks over two processes' pools: the sum, not one process's share.
    expect(metricSum(text, 'lab_pool_task_run_seconds_count')).toBe(12);
    // Both kinds are counted (the series exist), and nothing has restarted in any process yet.
    const kinds = metricSamples(text, 'lab_worker_restarts_total').map((s) => s.labels['kind']);
    expect(kinds).toEqual(expect.arrayContaining(['thread', 'process']));
    expect(metricSum(text, 'lab_worker_restarts_total')).toBe(0);
  });

  it('listens only once every pool thread of its process has booted: the first tasks wait for no boot', async () => {
    await service.stop();
    service = await launch(appEntry('hybrid-service'), {
      env: { ...ADMISSION_OFF, WORKERS: '1', HYBRID_THREADS: '2', LAB_TEST_THREAD_BOOT: 'slow' },
      nodeArgs: ['--require', THREAD_BOOT],
    });
    // One per thread. Before, the process listened (and told the primary it was ready) while
    // its threads still booted, and these waited for them: 1.5 s here.
    const { url } = service;
    const responses = await Promise.all([1, 2].map(() => fetch(`${url}/cpu/fib?n=1`)));
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    for (const response of responses) {
      const timing = response.headers.get('server-timing') ?? '';
      expect(Number(/queue;dur=([\d.]+)/.exec(timing)?.[1])).toBeLessThan(500);
    }
  }, 30_000);

  it("averages the processes' pool utilization: every thread busy reads 1, not one per process", async () => {
    await service.stop();
    // One thread per process: two long fibs, one per process (the primary deals connections
    // round-robin), keep every thread of the model busy at once.
    service = await launch(appEntry('hybrid-service'), {
      env: { WORKERS: '2', HYBRID_THREADS: '1', ...ADMISSION_OFF },
    });
    const busy = Promise.all(
      Array.from({ length: 4 }, () => requestOnNewConnection(`${service.url}/cpu/fib?n=36`)),
    );
    let finished = false;
    const done = () => {
      finished = true;
    };
    void busy.then(done, done);
    // Scraped the whole time the fibs run, not only until the first 1: a summed gauge reads 1
    // too while one process's thread is busy, and 2 once both are.
    const seen: number[] = [];
    const scrape = async () =>
      metricSum(await (await fetch(`${service.url}/metrics`)).text(), 'lab_pool_utilization');
    while (!finished) {
      seen.push(await scrape());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await busy;
    // Both pools full at once read 1 (summed, they would read 2), and never more.
    expect(seen).toContain(1);
    expect(Math.max(...seen)).toBeLessThanOrEqual(1);
    expect(await scrape()).toBe(0); // idle again
  }, 60_000);

  it('respawns a worker process killed with SIGKILL; the new one serves CPU work on its threads', async () => {
    const { workerPids = [] } = service.logs<LogLine>().find((l) => l.msg === 'listening') ?? {};
    expect(workerPids).toHaveLength(2);
    process.kill(workerPids[0] as number, 'SIGKILL');
    const replacement = await untilLog<LogLine>(
      service,
      'a replacement worker',
      (l) => l.msg === 'worker listening' && !workerPids.includes(l.pid),
    );
    expect(replacement).toBeDefined();
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(metricSum(text, 'lab_worker_restarts_total', { kind: 'process' })).toBe(1);
    const served = await Promise.all(
      Array.from({ length: 6 }, () => requestOnNewConnection(`${service.url}/cpu/fib?n=15`)),
    );
    expect(served.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  }, 30_000);

  it("keeps every drained process's pool and request counts across a rolling restart, never scraped", async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => requestOnNewConnection(`${service.url}/cpu/fib?n=18`)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(new Set(answers.map((a) => (JSON.parse(a.body) as { pid: number }).pid)).size).toBe(2);
    // No scrape yet: what each process counted reaches the primary as it drains, or never.
    service.child.kill('SIGHUP');
    await untilLog<LogLine>(
      service,
      'the rolling restart',
      (l) => l.msg === 'rolling restart complete',
    );
    const text = (await requestOnNewConnection(`${service.url}/metrics`)).body;
    // Before: 0 for each, every process that counted them gone.
    expect(
      metricSum(text, 'http_server_request_duration_seconds_count', { route: '/cpu/fib' }),
    ).toBe(12);
    expect(metricSum(text, 'lab_pool_task_run_seconds_count')).toBe(12);
    expect(metricSum(text, 'lab_pool_task_wait_seconds_count')).toBe(12);
  }, 60_000);
});
