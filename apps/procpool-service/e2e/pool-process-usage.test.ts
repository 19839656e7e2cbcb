import { appEntry, launch } from '@concurrency-lab/launcher';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { PoolProcessUsage } from '../src/pool-process-usage';

/** What the OS says, read here independently of the code under test. */
const os = {
  children: (pid: number) =>
    readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    ),
  rss: (pid: number) =>
    Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024,
  cpu: (pid: number) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  },
};

const sample = (text: string, name: string) =>
  Number(new RegExp(`^${name}\\{[^}]*\\} ([0-9.e+]+)$`, 'm').exec(text)?.[1]);

describe("the pool processes' CPU and memory, read from outside", () => {
  it("counts a child's memory while it lives and its CPU once", async () => {
    const usage = new PoolProcessUsage();
    expect(usage.rssBytes()).toBe(0); // negative control: no child yet
    usage.cpuSecondsSinceLastRead();
    // Burns 400 ms of CPU (not of wall time: the machine may be shared), then says so and idles.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const start = process.cpuUsage();
         while ((process.cpuUsage(start).user + process.cpuUsage(start).system) < 400e3);
         process.stdout.write('burnt');
         setTimeout(() => {}, 30000);`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    try {
      await once(child.stdout, 'data');
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
    expect(usage.cpuSecondsSinceLastRead()).toBe(0);
  });

  it("makes procpool's process metrics the model's: the HTTP process and its pool, within 10% of the OS", async () => {
    const service = await launch(appEntry('procpool-service'), { env: { WORKERS: '2' } });
    try {
      const pids = () => [service.pid, ...os.children(service.pid)];
      const scrape = async () => {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        const all = pids();
        return {
          pids: all,
          rss: sample(text, 'process_resident_memory_bytes'),
          cpu: sample(text, 'process_cpu_seconds_total'),
          rssOs: all.reduce((sum, pid) => sum + os.rss(pid), 0),
          cpuOs: all.reduce((sum, pid) => sum + os.cpu(pid), 0),
          httpCpuOs: os.cpu(service.pid),
          httpRssOs: os.rss(service.pid),
        };
      };
      // CPU as a difference over the burst: prom-client counts its own process from the moment
      // the registry was made, the OS from the process's start.
      const before = await scrape();
      await Promise.all(
        Array.from({ length: 6 }, () => fetch(`${service.url}/cpu/fib?n=33`).then((r) => r.text())),
      );
      const after = await scrape();
      expect(after.pids).toHaveLength(3);
      expect(Math.abs(after.rss - after.rssOs) / after.rssOs).toBeLessThan(0.1);
      const burst = after.cpu - before.cpu;
      const burstOs = after.cpuOs - before.cpuOs;
      expect(Math.abs(burst - burstOs) / burstOs).toBeLessThan(0.1);
      // …and not the HTTP process's alone: the fibs ran in the children.
      expect(burst).toBeGreaterThan((after.httpCpuOs - before.httpCpuOs) * 2);
      expect(after.rss).toBeGreaterThan(after.httpRssOs * 1.5);
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  });
});
