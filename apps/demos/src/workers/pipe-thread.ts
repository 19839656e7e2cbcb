/** A thread end of the `pipe` demo: its half of a MessageChannel is in workerData. */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { initiate, respond, type Duplex, type PipeMessage } from './pipe-protocol';

export interface PipeThreadData {
  role: 'initiate' | 'respond';
  port: MessagePort;
  pings: number;
  stream: number;
}

const { role, port, pings, stream } = workerData as PipeThreadData;
const channel: Duplex = {
  send: (message) => port.postMessage(message),
  onMessage: (listener) => port.on('message', (m: PipeMessage) => listener(m)),
};
if (role === 'respond') {
  respond(channel);
  parentPort?.postMessage('ready');
} else {
  initiate(channel, pings, stream).then(
    (report) => {
      parentPort?.postMessage(report);
      port.close();
    },
    (error: unknown) => parentPort?.postMessage({ failed: String(error) }),
  );
}
