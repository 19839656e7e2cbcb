import { ADMISSION_OFF, metricSum } from '@concurrency-lab/launcher';
import { childrenOf, processTreeUsage, processUsage } from '@concurrency-lab/procfs';
import { eventually } from '@concurrency-lab/thread-pool/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { PoolProcessUsage } from '../src/pool-process-usage';
import { withProcpool } from './support/procpool';

/** What the OS says a process uses, failing the test when it cannot be read. */
function fromOs<T>(usage: T | undefined): T {
  if (usage === undefined) throw new Error('the service process is gone');
  return usage;
}

/**
 * A child that burns `ms` of CPU (not of wall time: the machine may be shared), then writes to
 * its stdout and idles until killed. Resolves once it has burnt it.
 */
async function burner(ms: number): Promise<ChildProcess & { pid: number }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const start = process.cpuUsage();
       while ((process.cpuUsage(start).user + process.cpuUsage(start).system) < ${ms * 1000});
       process.stdout.write('burnt');
       setTimeout(() => {}, 30000);`,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  await once(child.stdout, 'data');
  return child as ChildProcess & { pid: number };
}

describe("the pool processes' CPU and memory, read from outside", () => {
  it("counts a child's memory while it lives and its CPU once", async () => {
    const usage = new PoolProcessUsage();
    expect(usage.rssBytes()).toBe(0); // negative control: no child yet
    usage.cpuSecondsSinceLastRead();
    const child = await burner(400);
    try {
      expect(usage.rssBytes()).toBeGreaterThan(10 * 2 ** 20);
      const burnt = usage.cpuSecondsSinceLastRead();
      expect(burnt).toBeGreaterThanOrEqual(0.3);
      expect(burnt).toBeLessThan(2);
      expect(usage.cpuSecondsSinceLastRead()).toBeLessThan(0.1); // not counted twice
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(usage.rssBytes()).toBe(0);
    // Its last moments (it idled) count once it is reaped, as its parent's time: little.
    expect(usage.cpuSecondsSinceLastRead()).toBeLessThan(0.1);
  });

  it("counts the CPU of children that ended between two reads — reaped, it is their parent's — once", async () => {
    const usage = new PoolProcessUsage();
    usage.cpuSecondsSinceLastRead();
    let counted = 0;
    let burntOs = 0;
    // Two children live and die between reads (their CPU was lost: only the living were summed),
    // one is read mid-life too (the read must not count its time again once it has ended).
    for (const readMidLife of [false, true, false]) {
      const child = await burner(300);
      if (readMidLife) counted += usage.cpuSecondsSinceLastRead();
      burntOs += fromOs(processUsage(child.pid)).cpuSeconds; // it idles from here on
      child.kill('SIGKILL');
      await once(child, 'exit'); // Node has reaped it: its time is now in our cutime
      const delta = usage.cpuSecondsSinceLastRead();
      expect(delta).toBeGreaterThanOrEqual(0);
      counted += delta;
    }
    expect(burntOs).toBeGreaterThanOrEqual(0.9);
    // Each /proc figure is whole ticks: a tick or two either way.
    expect(counted).toBeGreaterThanOrEqual(burntOs - 0.05);
    expect(counted).toBeLessThan(burntOs + 0.1);
  });

  it("keeps a pool process's CPU in process_cpu_seconds_total when it is killed to cancel its task and replaced between two scrapes", async () => {
    await withProcpool({ WORKERS: '1', ...ADMISSION_OFF }, async (service) => {
      const scrape = async () =>
        metricSum(
          await (await fetch(`${service.url}/metrics`)).text(),
          'process_cpu_seconds_total',
        );
      const [pool] = fromOs(childrenOf(service.pid));
      if (pool === undefined) throw new Error('no pool process');
      const cpuOf = (pid: number) => fromOs(processUsage(pid)).cpuSeconds;
      const before = await scrape();
      // Read after the scrape, each OS figure is at least what the scrape counted of it.
      const httpBefore = cpuOf(service.pid);
      const poolBefore = cpuOf(pool);
      const controller = new AbortController();
      const request = fetch(`${service.url}/cpu/fib?n=40`, { signal: controller.signal }).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
      // Until the pool process has burnt 0.3 s of CPU on it (CPU, not wall time; fib(40) takes
      // about 1 s of it).
      expect(await eventually(() => cpuOf(pool) - poolBefore >= 0.3, 1000)).toBe(true);
      const burnt = cpuOf(pool) - poolBefore; // it burns on in its cancel grace: at least this
      controller.abort();
      await request;
      // Killed at the end of its grace, reaped, and replaced by a process that is up.
      let replacement: number | undefined;
      expect(
        await eventually(() => {
          [replacement] = childrenOf(service.pid) ?? [];
          return replacement !== undefined && replacement !== pool;
        }, 1000), // 20 s: the grace, the kill and a fork on a loaded machine
      ).toBe(true);
      // Read before the scrape: at most what the scrape counts of them.
      const replacementCpu = cpuOf(replacement as number);
      const httpDelta = cpuOf(service.pid) - httpBefore;
      const after = await scrape();
      // The old reading summed the living only: what the killed process burnt was lost.
      expect(after - before).toBeGreaterThanOrEqual(httpDelta + burnt + replacementCpu - 0.05);
    });
  });

  it("makes procpool's process metrics the model's: the HTTP process and its pool, within 10% of the OS", async () => {
    await withProcpool({ WORKERS: '2', ...ADMISSION_OFF }, async (service) => {
      const scrape = async () => {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        const tree = fromOs(processTreeUsage(service.pid));
        const http = fromOs(processUsage(service.pid));
        return {
          processes: tree.processes,
          rss: metricSum(text, 'process_resident_memory_bytes'),
          cpu: metricSum(text, 'process_cpu_seconds_total'),
          rssOs: tree.rssBytes,
          cpuOs: tree.cpuSeconds,
          httpCpuOs: http.cpuSeconds,
          httpRssOs: http.rssBytes,
        };
      };
      // CPU as a difference over the burst: prom-client counts its own process from the moment
      // the registry was made, the OS from the process's start. /proc counts in 10 ms ticks, so
      // each of the three processes' OS difference, and each child's on the metric side, may be
      // a tick off: up to 50 ms. So the burst goes on (4 × fib(35) at a time, ~0.3 s of CPU here)
      // until the OS has counted 0.8 s, where 50 ms is 6 %, whatever the machine's speed (six
      // fib(33), ~0.23 s, failed a CI run at 10.2 %).
      const before = await scrape();
      const cpuOsNow = () => fromOs(processTreeUsage(service.pid)).cpuSeconds;
      for (let round = 0; round < 20 && cpuOsNow() - before.cpuOs < 0.8; round++) {
        const statuses = await Promise.all(
          Array.from({ length: 4 }, () =>
            fetch(`${service.url}/cpu/fib?n=35`).then(async (r) => {
              await r.arrayBuffer();
              return r.status;
            }),
          ),
        );
        expect(statuses).toEqual([200, 200, 200, 200]);
      }
      const after = await scrape();
      expect(after.processes).toBe(3); // the HTTP process and its two pool processes
      expect(Math.abs(after.rss - after.rssOs) / after.rssOs).toBeLessThan(0.1);
      const burst = after.cpu - before.cpu;
      const burstOs = after.cpuOs - before.cpuOs;
      expect(burstOs).toBeGreaterThanOrEqual(0.8);
      expect(Math.abs(burst - burstOs) / burstOs).toBeLessThan(0.1);
      // …and not the HTTP process's alone: the fibs ran in the children.
      expect(burst).toBeGreaterThan((after.httpCpuOs - before.httpCpuOs) * 2);
      expect(after.rss).toBeGreaterThan(after.httpRssOs * 1.5);
    });
  });
});
