import { readdirSync, readFileSync } from 'node:fs';
import type { Counter, Gauge, Registry, RegistryContentType } from 'prom-client';

/** Linux reports CPU time in /proc in USER_HZ ticks, fixed at 100 a second for user space. */
const TICKS_PER_SECOND = 100;

/**
 * CPU and memory of this process's children — the pool's processes — read from /proc (Linux;
 * elsewhere it reads nothing and the model's figures are the HTTP process's alone). A child
 * keeps no registry of its own and may be busy for seconds in a task, so it is measured from
 * outside, like the lab measures a process tree.
 */
export class PoolProcessUsage {
  readonly #parent: number;
  /** pid → its CPU seconds at the previous read, so the delta never counts twice. */
  #lastCpu = new Map<number, number>();

  constructor(parent: number = process.pid) {
    this.#parent = parent;
  }

  /** The children's resident memory now, in bytes. */
  rssBytes(): number {
    let total = 0;
    for (const pid of this.#children()) {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readOr(`/proc/${pid}/status`));
      if (match) total += Number(match[1]) * 1024;
    }
    return total;
  }

  /**
   * CPU seconds the children used since the previous call. A child seen for the first time
   * counts whole; one that exited since counts up to its last read (a counter must not fall).
   */
  cpuSecondsSinceLastRead(): number {
    const now = new Map<number, number>();
    let delta = 0;
    for (const pid of this.#children()) {
      const seconds = cpuSecondsOf(pid);
      if (seconds === undefined) continue;
      now.set(pid, seconds);
      delta += Math.max(0, seconds - (this.#lastCpu.get(pid) ?? 0));
    }
    this.#lastCpu = now;
    return delta;
  }

  #children(): number[] {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${this.#parent}/task`);
    } catch {
      return []; // no /proc here
    }
    return tasks.flatMap((task) =>
      readOr(`/proc/${this.#parent}/task/${task}/children`).split(' ').filter(Boolean).map(Number),
    );
  }
}

/** utime + stime of /proc/<pid>/stat, after the command name (which may hold spaces). */
function cpuSecondsOf(pid: number): number | undefined {
  const stat = readOr(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the file; the slice starts at field 3 (state).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) && stat
    ? (utime + stime) / TICKS_PER_SECOND
    : undefined;
}

/** A file's text, or '' when it is gone (a process that exited meanwhile). */
function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

type Collected = { collect?: (this: unknown) => void | Promise<void> };

/**
 * Makes the registry's `process_resident_memory_bytes` and `process_cpu_seconds_total` the
 * model's — the HTTP process's own figures (prom-client's default metrics) plus the pool's
 * processes' — as the contract's `/metrics` says ("every process and thread") and as cluster's
 * summed registries are. Each metric's collect runs first and the children are added after.
 */
export function addPoolProcessesToProcessMetrics(
  registry: Registry<RegistryContentType>,
  usage: PoolProcessUsage,
): void {
  const rss = registry.getSingleMetric('process_resident_memory_bytes') as
    (Gauge & Collected) | undefined;
  const cpu = registry.getSingleMetric('process_cpu_seconds_total') as
    (Counter & Collected) | undefined;
  if (rss) {
    const own = rss.collect;
    rss.collect = async function () {
      await own?.call(this);
      rss.inc(usage.rssBytes());
    };
  }
  if (cpu) {
    const own = cpu.collect;
    cpu.collect = async function () {
      await own?.call(this);
      cpu.inc(usage.cpuSecondsSinceLastRead());
    };
  }
}
