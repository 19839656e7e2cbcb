import { performance } from 'node:perf_hooks';
import { metricValues, sum } from './metrics-text';
import { processTreeRssBytes } from './process-tree';

/** One second of a model under load. */
export interface Sample {
  /** Seconds since the measurement started. */
  t: number;
  /** RSS of the model's whole process tree (OS), falling back to /metrics. */
  rssBytes: number;
  /** CPU used by the model, in % of one core (200 = two cores busy). */
  cpuPercent: number;
  /** Event-loop delay p99 from /metrics (ms); for a cluster the mean over its processes. */
  lagP99Ms: number;
  /** Event-loop utilization (0..1) from /metrics. */
  elu: number;
  /** The measured stream's answers in that second. */
  rps: number;
}

/**
 * Samples a model once a second from its own `/metrics` (the model's view: CPU seconds, event
 * loop) and from the OS (RSS of its process tree). A scrape that does not come back within the
 * second — a blocked event loop does that — is skipped, never queued behind the next one; the
 * OS's RSS is read every second all the same (`rssPeakBytes`), so a model too busy to answer
 * does not look like one that uses no memory.
 */
export class Sampler {
  readonly samples: Sample[] = [];
  readonly #metricsUrl: string;
  readonly #pid: number;
  #timer: NodeJS.Timeout | undefined;
  #started = 0;
  #lastCpu: { seconds: number; at: number } | undefined;
  #inFlight = false;
  #rps = 0;
  #rssPeak = 0;

  constructor(baseUrl: string, pid: number) {
    this.#metricsUrl = `${baseUrl}/metrics`;
    this.#pid = pid;
  }

  start(): void {
    this.#started = performance.now();
    void this.#sample();
    this.#timer = setInterval(() => void this.#sample(), 1000);
  }

  /** The driver reports the measured stream's answers per second here. */
  recordRps(rps: number): void {
    this.#rps = rps;
  }

  /** The highest RSS of the process tree read from the OS, answered scrapes or not. */
  get rssPeakBytes(): number {
    return this.#rssPeak;
  }

  stop(): Sample[] {
    clearInterval(this.#timer);
    return this.samples;
  }

  async #sample(): Promise<void> {
    const treeRss = processTreeRssBytes(this.#pid);
    if (treeRss !== undefined) this.#rssPeak = Math.max(this.#rssPeak, treeRss);
    if (this.#inFlight) return;
    this.#inFlight = true;
    try {
      const text = await (
        await fetch(this.#metricsUrl, { signal: AbortSignal.timeout(1000) })
      ).text();
      const now = performance.now();
      const cpuSeconds = sum(metricValues(text, 'process_cpu_seconds_total'));
      const cpuPercent = this.#lastCpu
        ? Math.max(
            0,
            ((cpuSeconds - this.#lastCpu.seconds) / ((now - this.#lastCpu.at) / 1000)) * 100,
          )
        : 0;
      this.#lastCpu = { seconds: cpuSeconds, at: now };
      const lag = metricValues(text, 'nodejs_eventloop_lag_p99_seconds');
      const elu = metricValues(text, 'lab_eventloop_utilization');
      this.samples.push({
        t: Math.round((now - this.#started) / 100) / 10,
        rssBytes: treeRss ?? sum(metricValues(text, 'process_resident_memory_bytes')),
        cpuPercent: Math.round(cpuPercent * 10) / 10,
        lagP99Ms: lag.length ? Math.round((sum(lag) / lag.length) * 1e5) / 100 : 0,
        elu: elu.length ? Math.round((sum(elu) / elu.length) * 1000) / 1000 : 0,
        rps: this.#rps,
      });
    } catch {
      // too slow or refused this second: a gap in the series, not a failure of the run
    } finally {
      this.#inFlight = false;
    }
  }
}
