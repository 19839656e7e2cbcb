import { appEntry, launch, metricSum } from '@concurrency-lab/launcher';
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
});
