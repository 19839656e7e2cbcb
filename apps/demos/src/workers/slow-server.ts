/**
 * The `hybrid` demo's slow remote service, in a worker thread — its own event loop, so the CPU
 * work the demo does on its main thread cannot delay the answers, as a real remote service's
 * would not be. Every GET gets `body` (JSON) after `latencyMs`. It posts `{ port }` once
 * listening; to each 'peak' it answers the most requests it held at once since the previous
 * 'peak': 1 when the caller downloads one after another, more when the downloads overlap.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface SlowServerData {
  body: string;
  latencyMs: number;
}

export interface SlowServerReady {
  port: number;
}

const { body, latencyMs } = workerData as SlowServerData;
let held = 0;
let peak = 0;

const server = createServer((_req, res) => {
  held++;
  peak = Math.max(peak, held);
  // 'close' follows the answer's end, or a client that went away: either way not held.
  res.once('close', () => held--);
  setTimeout(() => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }, latencyMs);
});

server.listen(0, '127.0.0.1', () => {
  const ready: SlowServerReady = { port: (server.address() as AddressInfo).port };
  parentPort?.postMessage(ready);
});

parentPort?.on('message', (message: 'peak') => {
  if (message !== 'peak') return;
  parentPort?.postMessage(peak);
  peak = held;
});
