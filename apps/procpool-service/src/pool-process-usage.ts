import { childrenOf, processUsage } from '@concurrency-lab/procfs';
import type { Counter, Gauge, Registry, RegistryContentType } from 'prom-client';

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
    for (const pid of this.#children()) total += processUsage(pid)?.rssBytes ?? 0;
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
      const seconds = processUsage(pid)?.cpuSeconds;
      if (seconds === undefined) continue; // it ended meanwhile
      now.set(pid, seconds);
      delta += Math.max(0, seconds - (this.#lastCpu.get(pid) ?? 0));
    }
    this.#lastCpu = now;
    return delta;
  }

  #children(): number[] {
    return childrenOf(this.#parent) ?? []; // no /proc here
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
