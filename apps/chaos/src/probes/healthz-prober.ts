import { requestOnNewConnection } from '@concurrency-lab/launcher';
import { performance } from 'node:perf_hooks';

/**
 * Asks `/healthz` every `intervalMs` on a new connection (as an orchestrator's probe does: a
 * fresh connection meets the listener, and in a cluster any worker) and keeps the slowest
 * answer. A probe that gets no 200 within `timeoutMs` counts as failed.
 */
export class HealthzProber {
  maxMs = 0;
  probes = 0;
  failed = 0;
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #timer: NodeJS.Timeout;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(base: string, intervalMs = 200, timeoutMs = 5000) {
    this.#base = base;
    this.#timeoutMs = timeoutMs;
    this.#timer = setInterval(() => this.#probe(), intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all(this.#inFlight);
  }

  #probe(): void {
    const started = performance.now();
    const probe = requestOnNewConnection(`${this.#base}/healthz`, 'GET', this.#timeoutMs).then(
      (answer) => {
        this.probes++;
        this.maxMs = Math.max(this.maxMs, performance.now() - started);
        if (answer.status !== 200) this.failed++;
      },
      () => {
        this.probes++;
        this.failed++;
        this.maxMs = Math.max(this.maxMs, performance.now() - started);
      },
    );
    this.#inFlight.add(probe);
    void probe.finally(() => this.#inFlight.delete(probe));
  }
}
