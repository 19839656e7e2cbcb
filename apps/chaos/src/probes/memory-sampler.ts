import { performance } from 'node:perf_hooks';
import { metricSum } from '@concurrency-lab/launcher';
import { processTreeUsage } from '@concurrency-lab/procfs';
import { fetchMetrics } from './metrics-text';

export interface MemorySample {
  /** Seconds since the sampler started. */
  t: number;
  rssBytes: number;
  /** V8 heap used, summed over the model's processes (`nodejs_heap_size_used_bytes`). */
  heapBytes: number | undefined;
  fds: number;
  /** The load's open connections at the same moment (when the sampler was given them). */
  connections: number | undefined;
  threads: number;
}

/**
 * Samples a model's process tree every `intervalMs` (RSS, threads, fds from /proc) and, when
 * `withHeap`, its heap from `/metrics`. The peak RSS is kept exactly; the series feeds slopes.
 */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  peakRssBytes = 0;
  readonly #pid: number;
  readonly #base: string;
  readonly #withHeap: boolean;
  readonly #connections: (() => number) | undefined;
  readonly #started = performance.now();
  readonly #timer: NodeJS.Timeout;
  #sampling: Promise<void> | undefined;

  constructor(options: {
    pid: number;
    base: string;
    intervalMs?: number;
    withHeap?: boolean;
    /**
     * The load's open connections (`Load.openConnections`), read in the same turn as the fds:
     * each is a descriptor of the service that is the load's, not the service's own.
     */
    connections?: () => number;
  }) {
    this.#pid = options.pid;
    this.#base = options.base;
    this.#withHeap = options.withHeap ?? false;
    this.#connections = options.connections;
    this.#timer = setInterval(() => {
      this.#sampling ??= this.#sample().finally(() => (this.#sampling = undefined));
    }, options.intervalMs ?? 250);
  }

  async stop(): Promise<MemorySample[]> {
    clearInterval(this.#timer);
    await this.#sampling;
    return this.samples;
  }

  async #sample(): Promise<void> {
    const tree = processTreeUsage(this.#pid, { fds: true });
    if (!tree) return;
    const connections = this.#connections?.();
    this.peakRssBytes = Math.max(this.peakRssBytes, tree.rssBytes);
    const text = this.#withHeap ? await fetchMetrics(this.#base) : undefined;
    this.samples.push({
      t: (performance.now() - this.#started) / 1000,
      rssBytes: tree.rssBytes,
      heapBytes: text === undefined ? undefined : metricSum(text, 'nodejs_heap_size_used_bytes'),
      fds: tree.fds,
      connections,
      threads: tree.threads,
    });
  }
}
