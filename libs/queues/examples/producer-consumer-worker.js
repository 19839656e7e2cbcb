// A consumer thread of the producer/consumer example: blocking gets until the sentinel (an
// empty message), each message marked done.
const { parentPort, workerData } = require('node:worker_threads');
const { SharedRingQueue } = require('../dist/index.js');

const queue = SharedRingQueue.attach(workerData.buffer);
const consumed = [];
for (;;) {
  const message = queue.get(); // Atomics.wait: this thread sleeps, the others carry on
  queue.taskDone();
  if (message.length === 0) break;
  consumed.push(new DataView(message.buffer).getUint32(0, true));
}
parentPort.postMessage({ name: workerData.name, consumed });
