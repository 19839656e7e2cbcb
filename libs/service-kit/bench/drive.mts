/** One autocannon run against one server process, with its CPU time and peak RSS. */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import type { ServiceProcess } from '@concurrency-lab/launcher';

export interface Load {
  key: string;
  path: string;
  /**
   * A request other than a bodiless GET: its method, headers and body, as autocannon takes them.
   */
  method?: 'POST';
  headers?: Record<string, string>;
  body?: Buffer;
  connections: number;
  /** Requests per second for all connections together; unset = as fast as the server answers. */
  overallRate?: number;
  /** Run in a process started for it, not in the long-lived one. */
  fresh?: boolean;
}

export interface Figure {
  rps: number;
  p99: number;
  /** Peak RSS of the server process during the run, MiB. */
  rssMiB: number;
  /**
   * CPU time (user + system) the server process spent per answered request, µs — steadier than
   * req/s when other processes share the cores, since waiting for a core does not count.
   */
  cpuUs: number;
  /**
   * The same for the main thread alone (the event loop: the thread whose saturation caps
   * throughput), µs — what the process's other threads (an exporter, V8's GC helpers) spend is
   * the difference.
   */
  mainCpuUs: number;
  /** Non-2xx answers, errors and timeouts: must be 0 for the figures to mean anything. */
  bad: number;
}

const rssMiB = (pid: number) =>
  Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/**
 * utime + stime of a process (or, with `tid`, of one of its threads: the main thread's tid is
 * the pid), in clock ticks (fields 14 and 15 of /proc/<pid>/stat).
 */
function cpuTicks(pid: number, tid?: number): number {
  const stat = readFileSync(tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
const TICK_US = 10_000;

export async function drive(handle: ServiceProcess, load: Load, seconds: number): Promise<Figure> {
  let peak = rssMiB(handle.pid);
  const ticks = cpuTicks(handle.pid);
  const mainTicks = cpuTicks(handle.pid, handle.pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(handle.pid))), 200);
  try {
    const r = await autocannon({
      url: handle.url + load.path,
      connections: load.connections,
      duration: seconds,
      ...(load.method ? { method: load.method } : {}),
      ...(load.headers ? { headers: load.headers } : {}),
      ...(load.body ? { body: load.body } : {}),
      ...(load.overallRate ? { overallRate: load.overallRate } : {}),
    });
    return {
      rps: r.requests.average,
      p99: r.latency.p99,
      rssMiB: Math.max(peak, rssMiB(handle.pid)),
      cpuUs: ((cpuTicks(handle.pid) - ticks) * TICK_US) / Math.max(1, r.requests.total),
      mainCpuUs:
        ((cpuTicks(handle.pid, handle.pid) - mainTicks) * TICK_US) / Math.max(1, r.requests.total),
      bad: r.non2xx + r.errors + r.timeouts,
    };
  } finally {
    clearInterval(sampler);
  }
}
