import { ADMISSION_OFF, appEntry, launch, metricSum } from '@concurrency-lab/launcher';
import { untilLog } from '@concurrency-lab/launcher/testing';
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
      await untilLog<{ msg: string }>(
        service,
        'the respawn',
        (l) => l.msg === 'worker crashed; respawning',
      );
      const afterKill = await scrape();
      // Before, the killed worker's share vanished: about 40 → 20, read as a counter reset.
      expect(afterKill.requests).toBe(40);
      expect(afterKill.inBuckets).toBe(40);
      expect(afterKill.cpu).toBeGreaterThanOrEqual(before.cpu);

      service.child.kill('SIGHUP');
      await untilLog<{ msg: string }>(
        service,
        'the rolling restart',
        (l) => l.msg === 'rolling restart complete',
      );
      const afterRestart = await scrape();
      // Before: 0, every worker that had served them gone.
      expect(afterRestart.requests).toBe(40);
      expect(afterRestart.inBuckets).toBe(40);
      expect(afterRestart.cpu).toBeGreaterThanOrEqual(afterKill.cpu);
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});
