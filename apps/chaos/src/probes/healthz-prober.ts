import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * The probe loop, run in a worker thread of its own: the drills' load generator keeps the main
 * thread's event loop busy, and a probe timed there would charge the service with our own lag.
 * Each probe is a GET /healthz on a new connection (as an orchestrator's is: a fresh connection
 * meets the listener, and in a cluster any worker); one that gets no 200 within `timeoutMs`
 * counts as failed.
 */
const PROBE_LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const { request } = require('node:http');
const { url, intervalMs, timeoutMs } = workerData;
const figures = { maxMs: 0, probes: 0, failed: 0, slowest: [] };
const t0 = performance.now();
let inFlight = 0;
let stopping = false;
const probe = () => {
  inFlight++;
  const started = performance.now();
  let done = false;
  const end = (ok) => {
    if (done) return;
    done = true;
    inFlight--;
    figures.probes++;
    if (!ok) figures.failed++;
    const ms = performance.now() - started;
    figures.maxMs = Math.max(figures.maxMs, ms);
    figures.slowest.push([Math.round((started - t0) / 100) / 10, Math.round(ms)]);
    figures.slowest.sort((a, b) => b[1] - a[1]);
    figures.slowest.length = Math.min(figures.slowest.length, 3);
    if (stopping && inFlight === 0) parentPort.postMessage(figures);
  };
  const req = request(url, { agent: false, headers: { connection: 'close' }, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
    res.resume();
    res.on('end', () => end(res.statusCode === 200));
    res.on('error', () => end(false));
  });
  req.on('error', () => end(false));
  req.end();
};
const timer = setInterval(probe, intervalMs);
parentPort.on('message', () => {
  stopping = true;
  clearInterval(timer);
  if (inFlight === 0) parentPort.postMessage(figures);
});
`;

export interface HealthzFigures {
  /** The slowest probe (ms), failed ones included. */
  maxMs: number;
  probes: number;
  failed: number;
  /** The three slowest probes: [seconds after the start, ms]. */
  slowest: Array<[number, number]>;
}

/** Probes `/healthz` every `intervalMs` until `stop()`, which resolves with the figures. */
export class HealthzProber {
  readonly #worker: Worker;

  constructor(base: string, intervalMs = 200, timeoutMs = 5000) {
    this.#worker = new Worker(PROBE_LOOP, {
      eval: true,
      workerData: { url: `${base}/healthz`, intervalMs, timeoutMs },
    });
  }

  async stop(): Promise<HealthzFigures> {
    this.#worker.postMessage('stop');
    const [figures] = (await once(this.#worker, 'message')) as [HealthzFigures];
    await this.#worker.terminate();
    return figures;
  }
}
