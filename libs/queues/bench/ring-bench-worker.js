// One side of the cross-thread benchmark: a producer or a consumer of `count` 8-byte records,
// over the SharedRingQueue (one at a time or in batches) or a MessagePort (the baseline).
// Waits for 'go' so thread start-up is not timed; the consumer answers with a checksum.
const { parentPort, workerData } = require('node:worker_threads');
const { SharedRingQueue } = require('../dist/index.js');

const RECORD = 8;
const BATCH = 256;
const { mode, role, count, buffer, port } = workerData;

function produce() {
  if (mode === 'post-one' || mode === 'post-batch') {
    const per = mode === 'post-one' ? 1 : BATCH;
    for (let i = 0; i < count; i += per) {
      const n = Math.min(per, count - i);
      const records = new Uint8Array(n * RECORD);
      const view = new DataView(records.buffer);
      for (let k = 0; k < n; k++) view.setUint32(k * RECORD, i + k, true);
      port.postMessage(records);
    }
    return;
  }
  const queue = SharedRingQueue.attach(buffer);
  if (mode === 'ring-one') {
    const record = new Uint8Array(RECORD);
    const view = new DataView(record.buffer);
    for (let i = 0; i < count; i++) {
      view.setUint32(0, i, true);
      queue.put(record);
    }
    return;
  }
  const records = new Uint8Array(BATCH * RECORD);
  const view = new DataView(records.buffer);
  for (let i = 0; i < count;) {
    const n = Math.min(BATCH, count - i);
    for (let k = 0; k < n; k++) view.setUint32(k * RECORD, i + k, true);
    for (let offset = 0; offset < n * RECORD;) {
      offset += queue.putMany(records.subarray(offset, n * RECORD)) * RECORD;
    }
    i += n;
  }
}

function consume(done) {
  let received = 0;
  let checksum = 0;
  const take = (records, n) => {
    const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
    for (let k = 0; k < n; k++) checksum = (checksum + view.getUint32(k * RECORD, true)) % 2 ** 32;
    received += n;
  };
  if (mode === 'post-one' || mode === 'post-batch') {
    port.on('message', (records) => {
      take(records, records.length / RECORD);
      if (received === count) {
        port.close();
        done(checksum);
      }
    });
    return;
  }
  const queue = SharedRingQueue.attach(buffer);
  if (mode === 'ring-one') {
    while (received < count) take(queue.get(), 1);
  } else {
    const records = new Uint8Array(BATCH * RECORD);
    while (received < count) take(records, queue.getMany(records));
  }
  done(checksum);
}

parentPort.once('message', () => {
  if (role === 'producer') {
    produce();
    parentPort.postMessage({ produced: count });
  } else {
    consume((checksum) => parentPort.postMessage({ checksum }));
  }
});
parentPort.postMessage('ready');
