import { appEntry, launch } from '@concurrency-lab/launcher';
import { readFileSync } from 'node:fs';

const rssOf = (pid: number) =>
  Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;

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
      const reported = Number(
        /^process_resident_memory_bytes\{[^}]*\} ([\d.e+]+)$/m.exec(text)?.[1],
      );
      expect(Math.abs(reported - os) / os).toBeLessThan(0.1);
      // …and not just one process's figure: more than any single process.
      expect(reported).toBeGreaterThan(Math.max(...pids.map(rssOf)) * 1.5);
    } finally {
      await service.stop();
    }
  });
});
