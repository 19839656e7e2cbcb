/**
 * The `blocking` demo's outside observer, a worker thread (its own event loop, so what blocks
 * the main thread does not block it): GETs `url` every `intervalMs` from 'start' until 'stop',
 * then reports each round trip's latency in ms.
 */
import { request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface PingerData {
  url: string;
  intervalMs: number;
}

const { url, intervalMs } = workerData as PingerData;
let latencies: number[] = [];
let running = false;

function ping(): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(performance.now() - start));
    })
      .once('error', reject)
      .end();
  });
}

async function loop(): Promise<void> {
  while (running) {
    const started = performance.now();
    latencies.push(await ping());
    const rest = intervalMs - (performance.now() - started);
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  }
  parentPort?.postMessage(latencies);
}

parentPort?.on('message', (message: 'start' | 'stop') => {
  if (message === 'start') {
    latencies = [];
    running = true;
    loop().catch((error: unknown) => parentPort?.postMessage({ failed: String(error) }));
  } else {
    running = false;
  }
});
parentPort?.postMessage('ready');
