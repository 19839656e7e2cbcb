import { performance } from 'node:perf_hooks';
import type { IntervalWindow } from './drivers/interval-window';
import { metricSamples, metricSum } from '@concurrency-lab/launcher';
import { processTreeUsage } from '@concurrency-lab/procfs';
import type { Sample } from './report/report-schema';

export type { Sample };

export interface SamplerOptions {
  /** The model's base URL; its `/metrics` gives the event loop's figures (and, remotely, all). */
  baseUrl: string;
  /**
   * The model's root process when the lab started it: RSS and CPU then come from the OS for the
   * whole process tree. Undefined for a `--targets` service: they come from its `/metrics`.
   */
  pid: number | undefined;
  intervalMs: number;
  /**
   * The measured stream's answers, taken once per interval. Without one (a driver that records
   * no intervals: k6) each sample's `rps` and `p99Ms` are null: not measured, not 0.
   */
  window?: IntervalWindow;
  /** Each sample as it is taken (progress display). */
  onSample?(sample: Sample): void;
}

interface Scrape {
  rssBytes: number;
  cpuSeconds: number;
  lagP99Ms: number | null;
  elu: number | null;
  oldSpaceUsedBytes: number | null;
  /** `http_server_active_requests`, summed over a cluster's processes (0 when not exported). */
  activeRequests: number;
}

/** The series the services export for V8's spaces in use (prom-client's default metrics). */
const SPACE_USED = 'nodejs_heap_space_size_used_bytes';

/** One reading of a model's memory: the OS's for a local tree, its /metrics' for a target. */
export async function readRssBytes(baseUrl: string, pid: number | undefined): Promise<number> {
  const local = pid === undefined ? undefined : processTreeUsage(pid);
  if (local) return local.rssBytes;
  return (await scrape(`${baseUrl}/metrics`, 2000))?.rssBytes ?? 0;
}

/** V8's old space in use, from the model's /metrics; null when it did not answer within 1 s. */
export async function readOldSpaceBytes(baseUrl: string): Promise<number | null> {
  return (await scrape(`${baseUrl}/metrics`, 1000))?.oldSpaceUsedBytes ?? null;
}

/**
 * One scrape's old space in use and the requests the model has in hand (received, not yet
 * answered, this scrape among them); both null when it did not answer.
 */
export async function readHeldState(
  baseUrl: string,
): Promise<{ oldSpaceBytes: number | null; activeRequests: number | null }> {
  const read = await scrape(`${baseUrl}/metrics`, 1000);
  return {
    oldSpaceBytes: read?.oldSpaceUsedBytes ?? null,
    activeRequests: read?.activeRequests ?? null,
  };
}

/**
 * Samples a model every `intervalMs`. Local models: RSS and CPU of the whole process tree from
 * /proc — read on the lab's clock, needing nothing from the service, so a saturated event loop
 * leaves no gap — and the event loop's delay and utilization from `/metrics`, which a blocked
 * loop may not answer in time: that sample then has them as null. `--targets` models: all of it
 * from `/metrics` (`process_resident_memory_bytes` and `process_cpu_seconds_total`, summed over a
 * cluster's processes); a scrape that does not come back within the interval leaves a gap. A
 * scrape is never queued behind the one before.
 */
export class Sampler {
  readonly #samples: Sample[] = [];
  readonly #options: SamplerOptions;
  readonly #metricsUrl: string;
  #timer: NodeJS.Timeout | undefined;
  #started = 0;
  #lastCpu: { seconds: number; at: number } | undefined;
  #lastTake = 0;
  #scraping: Promise<void> | undefined;
  /** Ends the scrape in flight when sampling stops: the run does not wait on a busy loop. */
  readonly #abort = new AbortController();

  constructor(options: SamplerOptions) {
    this.#options = options;
    this.#metricsUrl = `${options.baseUrl}/metrics`;
  }

  start(): void {
    this.#started = performance.now();
    this.#lastTake = this.#started;
    this.#options.window?.take(); // whatever came before the measurement is not in it
    // The first reading is a baseline: its CPU has no earlier one, and its scrape's lag and ELU
    // ("since the previous scrape") cover the warm-up and the idle time before it —
    // summarize() leaves this sample out of all three.
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#options.intervalMs);
  }

  /**
   * Stops sampling: one last reading from the OS for a local model (no scrape, so stopping costs
   * no wait on a busy loop), the scrape in flight abandoned; answers the samples in time order.
   */
  async stop(): Promise<Sample[]> {
    clearInterval(this.#timer);
    if (this.#options.pid !== undefined) this.#tick(false);
    this.#abort.abort();
    await this.#scraping;
    return [...this.#samples].sort((a, b) => a.t - b.t);
  }

  #tick(scrapeToo = true): void {
    const now = performance.now();
    // A target's sample comes only from a scrape. While the last one is still out, this interval
    // runs on into the next tick: taking the window's answers now would drop them unsampled.
    if (this.#scraping && this.#options.pid === undefined) return;
    const figures = this.#options.window?.take();
    const elapsed = (now - this.#lastTake) / 1000;
    this.#lastTake = now;
    const base = {
      t: Math.round((now - this.#started) / 100) / 10,
      rps: figures ? (elapsed > 0 ? Math.round((figures.answers / elapsed) * 10) / 10 : 0) : null,
      p99Ms: figures?.p99Ms ?? null,
    };
    const usage = this.#options.pid === undefined ? undefined : processTreeUsage(this.#options.pid);
    // Read now, on the lab's clock, whatever the scrape below does.
    const local = usage ? this.#cost(usage, now) : undefined;
    if (this.#scraping || !scrapeToo) {
      // The last scrape is still out (a busy loop): the OS figures alone, no queue of scrapes.
      if (local)
        this.#push({ ...base, ...local, lagP99Ms: null, elu: null, oldSpaceUsedBytes: null });
      return;
    }
    // A target's memory and CPU come only from here: give a busy loop longer to answer.
    const timeoutMs = this.#options.pid === undefined ? 2000 : 1000;
    this.#scraping = scrape(this.#metricsUrl, timeoutMs, this.#abort.signal)
      .then((remote) => {
        if (local) {
          this.#push({
            ...base,
            ...local,
            lagP99Ms: remote?.lagP99Ms ?? null,
            elu: remote?.elu ?? null,
            oldSpaceUsedBytes: remote?.oldSpaceUsedBytes ?? null,
          });
        } else if (remote) {
          this.#push({
            ...base,
            ...this.#cost(remote, performance.now()),
            lagP99Ms: remote.lagP99Ms,
            elu: remote.elu,
            oldSpaceUsedBytes: remote.oldSpaceUsedBytes,
          });
        }
      })
      .finally(() => (this.#scraping = undefined));
  }

  /** RSS and CPU % since the previous reading. */
  #cost(usage: { rssBytes: number; cpuSeconds: number }, at: number) {
    const last = this.#lastCpu;
    this.#lastCpu = { seconds: usage.cpuSeconds, at };
    const cpuPercent =
      last && at > last.at
        ? Math.max(0, ((usage.cpuSeconds - last.seconds) / ((at - last.at) / 1000)) * 100)
        : 0;
    return { rssBytes: usage.rssBytes, cpuPercent: Math.round(cpuPercent * 10) / 10 };
  }

  #push(sample: Sample): void {
    this.#samples.push(sample);
    this.#options.onSample?.(sample);
  }
}

/** One `/metrics` read, or undefined if it failed or took longer than `timeoutMs`. */
async function scrape(
  url: string,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<Scrape | undefined> {
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    const response = await fetch(url, {
      signal: stop ? AbortSignal.any([stop, timeout]) : timeout,
    });
    const text = await response.text();
    const lag = values(text, 'nodejs_eventloop_lag_p99_seconds');
    const elu = values(text, 'lab_eventloop_utilization');
    const oldSpace = metricSamples(text, SPACE_USED)
      .filter((s) => s.labels['space'] === 'old')
      .map((s) => s.value)
      .filter(Number.isFinite);
    return {
      rssBytes: metricSum(text, 'process_resident_memory_bytes'),
      cpuSeconds: metricSum(text, 'process_cpu_seconds_total'),
      // A cluster reports one series per process: the mean is the typical loop's.
      lagP99Ms: lag.length ? Math.round((sum(lag) / lag.length) * 1e5) / 100 : null,
      elu: elu.length ? Math.round((sum(elu) / elu.length) * 1000) / 1000 : null,
      // A cluster's processes each report theirs: the sum is the model's. None: not exported.
      oldSpaceUsedBytes: oldSpace.length ? sum(oldSpace) : null,
      activeRequests: metricSum(text, 'http_server_active_requests'),
    };
  } catch {
    return undefined; // too slow or refused: a gap, not a failure of the run
  }
}

/** A metric's finite values, one per series (a process with nothing measured yet reports NaN). */
const values = (text: string, name: string) =>
  metricSamples(text, name)
    .map((s) => s.value)
    .filter(Number.isFinite);
const sum = (numbers: number[]) => numbers.reduce((a, b) => a + b, 0);
