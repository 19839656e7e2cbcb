import { childrenOf, processTreeUsage, processUsage } from '@concurrency-lab/procfs';
import type { Counter, Gauge, Registry, RegistryContentType } from 'prom-client';

/** /proc's times are whole ticks of 1/100 s (USER_HZ, see `@concurrency-lab/procfs`). */
const TICKS_PER_SECOND = 100;

/**
 * CPU and memory of this process's children — the pool's processes — read from /proc (Linux;
 * elsewhere it reads nothing and the model's figures are the HTTP process's alone). A child
 * keeps no registry of its own and may be busy for seconds in a task, so it is measured from
 * outside, like the lab measures a process tree.
 */
export class PoolProcessUsage {
  readonly #parent: number;
  /** The pool's CPU ticks at the highest read so far: what the counter has been given. */
  #cpuTicksCounted = 0;

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
   * CPU seconds the children used since the previous call — those that ended since included: a
   * pool process killed to cancel its task, or crashed, took the CPU it used since the last read
   * with it when only the living were summed (a fib(40) aborted after 0.9 s: 0.24 s of its 0.57 s
   * counted). So the pool's CPU is the parent's process tree's, less the parent's own: each
   * child's own time while it lives (a zombie too), then, once Node has reaped it, the parent's
   * cutime + cstime, where the kernel moves it — counted once either way (see
   * `processTreeUsage`). What the parent had reaped before the first call counts in that call.
   */
  cpuSecondsSinceLastRead(): number {
    const ticks = this.#cpuTicks();
    if (ticks === undefined) return 0; // no /proc here
    // A counter must not fall, nor count a tick twice: only what passes the highest read counts.
    // A read can come out low — the parent's own time, read after the tree, grew in between; a
    // child reaped in the middle of a read — never high: the shortfall is counted once a later
    // read passes the mark.
    const delta = Math.max(0, ticks - this.#cpuTicksCounted);
    this.#cpuTicksCounted += delta;
    return delta / TICKS_PER_SECOND;
  }

  /** The children's CPU, ended ones included, in whole ticks (see cpuSecondsSinceLastRead). */
  #cpuTicks(): number | undefined {
    const tree = processTreeUsage(this.#parent);
    // Read after the tree: the parent's own time only grows, so the difference can only be low.
    const own = processUsage(this.#parent);
    if (tree === undefined || own === undefined) return undefined;
    // Both are whole ticks divided once: rounded back, they subtract exactly.
    return (
      Math.round(tree.cpuSeconds * TICKS_PER_SECOND) - Math.round(own.cpuSeconds * TICKS_PER_SECOND)
    );
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
