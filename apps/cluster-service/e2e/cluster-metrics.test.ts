import {
  ADMISSION_OFF,
  appEntry,
  launch,
  metricSum,
  requestOnNewConnection,
  type ServiceProcess,
} from '@concurrency-lab/launcher';
import { until, untilLog } from '@concurrency-lab/launcher/testing';
import { processUsage } from '@concurrency-lab/procfs';

/** What the OS says process `pid` holds resident; NaN (failing any comparison) once it is gone. */
const rssOf = (pid: number) => processUsage(pid)?.rssBytes ?? Number.NaN;

describe('cluster-service metrics for the whole model', () => {
  it('reports RSS as the sum over the primary and every worker (within 10% of the OS figures)', async () => {
    const service = await launch(appEntry('cluster-service'), { env: { WORKERS: '2' } });
    try {
      const listening = service
        .logs<{ msg: string; workerPids?: number[] }>()
        .find((l) => l.msg === 'listening');
      const pids = [service.pid, ...(listening?.workerPids ?? [])];
      expect(pids).toHaveLength(3);
      await fetch(`${service.url}/cpu/fib?n=20`);
      const text = await (await fetch(`${service.url}/metrics`)).text();
      const os = pids.reduce((sum, pid) => sum + rssOf(pid), 0);
      const reported = metricSum(text, 'process_resident_memory_bytes');
      expect(Math.abs(reported - os) / os).toBeLessThan(0.1);
      // …and not just one process's figure: more than any single process.
      expect(reported).toBeGreaterThan(Math.max(...pids.map(rssOf)) * 1.5);
    } finally {
      await service.stop();
    }
  });

  it('never lets a counter or a histogram go backwards when a worker exits: SIGKILL, rolling restart', async () => {
    const service = await launch(appEntry('cluster-service'), {
      env: { WORKERS: '2', ...ADMISSION_OFF },
    });
    const fib = { route: '/cpu/fib' };
    /** What Prometheus would read now: the model's fib count, and a counter of every process. */
    const scrape = async () => {
      const text = await (await fetch(`${service.url}/metrics`)).text();
      return {
        requests: metricSum(text, 'http_server_request_duration_seconds_count', fib),
        inBuckets: metricSum(text, 'http_server_request_duration_seconds_bucket', {
          ...fib,
          le: '+Inf',
        }),
        cpu: metricSum(text, 'process_cpu_user_seconds_total'),
      };
    };
    /** Once the primary logs `msg`: still the 40 requests, and no fewer CPU seconds than before. */
    const nothingWentBackwardsAfter = async (
      msg: string,
      previous: Awaited<ReturnType<typeof scrape>>,
    ) => {
      await untilLog<{ msg: string }>(service, msg, (l) => l.msg === msg);
      const now = await scrape();
      expect(now.requests).toBe(40);
      expect(now.inBuckets).toBe(40);
      expect(now.cpu).toBeGreaterThanOrEqual(previous.cpu);
      return now;
    };
    try {
      const { workerPids = [] } =
        service.logs<{ msg: string; workerPids?: number[] }>().find((l) => l.msg === 'listening') ??
        {};
      expect(workerPids).toHaveLength(2);
      // Each request on a new connection: round-robin gives both workers a share.
      for (let i = 0; i < 40; i++)
        await fetch(`${service.url}/cpu/fib?n=5`, { headers: { connection: 'close' } });
      const before = await scrape();
      expect(before.requests).toBe(40);

      process.kill(workerPids[0] as number, 'SIGKILL');
      // Before, the killed worker's share vanished: about 40 → 20, read as a counter reset.
      const afterKill = await nothingWentBackwardsAfter('worker crashed; respawning', before);
      service.child.kill('SIGHUP');
      // Before: 0, every worker that had served them gone.
      await nothingWentBackwardsAfter('rolling restart complete', afterKill);
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  /**
   * A cluster of 2 workers, and what a test does to it: `serve` sends fib requests, each on a
   * new connection (round-robin gives both workers a share), and says which worker answered
   * each; `scrape` reads /metrics as Prometheus would.
   */
  async function twoWorkers() {
    const service = await launch(appEntry('cluster-service'), {
      env: { WORKERS: '2', ...ADMISSION_OFF },
    });
    const serve = async (count: number) => {
      const pids: number[] = [];
      for (let i = 0; i < count; i++) {
        const { status, body } = await requestOnNewConnection(`${service.url}/cpu/fib?n=5`);
        expect(status).toBe(200);
        pids.push((JSON.parse(body) as { pid: number }).pid);
      }
      return pids;
    };
    const scrape = async () => {
      const { status, body } = await requestOnNewConnection(`${service.url}/metrics`);
      expect(status).toBe(200);
      const count = (where: Record<string, string>) =>
        metricSum(body, 'http_server_request_duration_seconds_count', where);
      return {
        fib: count({ route: '/cpu/fib' }),
        fibInBuckets: metricSum(body, 'http_server_request_duration_seconds_bucket', {
          route: '/cpu/fib',
          le: '+Inf',
        }),
        scrapes: count({ route: '/metrics' }),
        all: count({}),
      };
    };
    return { service, serve, scrape };
  }

  /** SIGHUP, and back once the rolling restart has replaced (and retired) every worker. */
  async function rollingRestart(service: ServiceProcess) {
    const completed = () =>
      service.logs<{ msg: string }>().filter((l) => l.msg === 'rolling restart complete').length;
    const before = completed();
    service.child.kill('SIGHUP');
    await until(() => completed() > before, {
      what: 'the rolling restart to complete',
      timeoutMs: 30_000,
      everyMs: 40,
      detail: () => service.output(),
    });
  }

  it('keeps what a drained worker counted after its last scrape, or with none, across rolling restarts', async () => {
    const { service, serve, scrape } = await twoWorkers();
    try {
      // Never scraped: each worker's whole share reaches the primary only as it drains.
      expect(new Set(await serve(20)).size).toBe(2);
      await rollingRestart(service);
      const first = await scrape();
      // Before: 0 (retired with no scrape to fall back on, both shares were lost).
      expect(first).toEqual({ fib: 20, fibInBuckets: 20, scrapes: 0, all: 20 });

      // Scraped once, then more: the 10 after that scrape are what a drain used to lose.
      expect(new Set(await serve(10)).size).toBe(2);
      expect((await scrape()).fib).toBe(30);
      expect(new Set(await serve(10)).size).toBe(2);
      await rollingRestart(service);
      const second = await scrape();
      // Before: 30. Every request the retired workers served counts, the two scrapes they
      // answered included (this one is still in flight: not yet counted anywhere).
      expect(second).toEqual({ fib: 40, fibInBuckets: 40, scrapes: 2, all: 42 });
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it('negative control: a worker SIGKILLed (no handover) counts only up to its last scrape', async () => {
    const { service, serve, scrape } = await twoWorkers();
    try {
      const { workerPids = [] } =
        service.logs<{ msg: string; workerPids?: number[] }>().find((l) => l.msg === 'listening') ??
        {};
      const victim = workerPids[0] as number;
      await serve(20);
      expect((await scrape()).fib).toBe(20);
      const lost = (await serve(10)).filter((pid) => pid === victim).length;
      expect(lost).toBeGreaterThan(0);
      process.kill(victim, 'SIGKILL');
      await untilLog<{ msg: string; workerPid?: number }>(
        service,
        'the respawn',
        (l) => l.msg === 'worker crashed; respawning' && l.workerPid === victim,
      );
      // What it served after its last scrape is gone: the drained path above must not be this.
      expect((await scrape()).fib).toBe(30 - lost);
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});
