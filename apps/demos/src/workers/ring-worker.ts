/**
 * A thread of the `producer-consumer` demo, around one SharedRingQueue. A producer puts its
 * range of ids (4-byte messages), counting the puts that found the queue full and had to wait
 * (the backpressure). A consumer takes ids until the queue is shut down, does a little work per
 * item, tallies each id in shared memory (so loss and duplicates show) and marks it done.
 * The consumer that takes the last item holds it at a gate until the main thread has called
 * join(): so join() has an item to wait for, and the demo can show that it did wait.
 * Consumers start taking once a producer has found the queue full: on two shared cores a
 * consumer could otherwise keep pace with the producers at some knobs (1 producer, 8 consumers,
 * capacity 1: 13 runs of 20 here), no put would wait, and the lesson would go unshown. The
 * demo's rule (more items than slots) makes sure a put finds it full.
 */
import { SharedRingQueue } from '@concurrency-lab/queues';
import { parentPort, workerData } from 'node:worker_threads';

export interface RingWorkerData {
  role: 'producer' | 'consumer';
  ring: SharedArrayBuffer;
  /** Int32 per id: how many times it was consumed. */
  seen: SharedArrayBuffer;
  /** Producer: its ids are [first, first + count). */
  first: number;
  count: number;
  /** Consumer: busy-work per item, in loop iterations (consumers slower than producers). */
  workPerItem: number;
  /** Items put by all producers: the consumer that takes the last one waits at the gate. */
  total: number;
  /**
   * Int32 [open, taken, filled]: the main thread opens the gate; consumers count the items
   * taken; a producer marks the queue found full (consumers wait for it before their first get).
   */
  gate: SharedArrayBuffer;
}

export type RingWorkerReport =
  | { role: 'producer'; put: number; waitedForRoom: number }
  | {
      role: 'consumer';
      consumed: number;
      endedBy: string;
    };

const data = workerData as RingWorkerData;
const ring = SharedRingQueue.attach(data.ring);
const seen = new Int32Array(data.seen);
const gate = new Int32Array(data.gate);
const OPEN = 0;
const TAKEN = 1;
const FILLED = 2;
const codeOf = (error: unknown) => (error as { code?: string }).code;

function produce(): RingWorkerReport {
  let waitedForRoom = 0;
  const message = new Uint8Array(4);
  const view = new DataView(message.buffer);
  for (let id = data.first; id < data.first + data.count; id++) {
    view.setUint32(0, id, true);
    try {
      ring.tryPut(message);
    } catch (error) {
      if (codeOf(error) !== 'ERR_QUEUE_FULL') throw error;
      waitedForRoom++;
      Atomics.store(gate, FILLED, 1);
      Atomics.notify(gate, FILLED);
      ring.put(message); // Atomics.wait until a consumer makes room
    }
  }
  return { role: 'producer', put: data.count, waitedForRoom };
}

function consume(): RingWorkerReport {
  let consumed = 0;
  let sink = 0;
  Atomics.wait(gate, FILLED, 0);
  for (;;) {
    let message: Uint8Array;
    try {
      message = ring.get();
    } catch (error) {
      // Shut down and drained: the end of the stream, not a failure.
      if (codeOf(error) === 'ERR_QUEUE_SHUTDOWN')
        return { role: 'consumer', consumed, endedBy: 'ERR_QUEUE_SHUTDOWN' };
      throw error;
    }
    const id = new DataView(message.buffer, message.byteOffset).getUint32(0, true);
    // The last item is neither tallied nor marked done before join() is called: without the
    // gate, consumers finish it before the main thread even hears that the producers are done.
    if (Atomics.add(gate, TAKEN, 1) + 1 === data.total) Atomics.wait(gate, OPEN, 0);
    for (let i = 0; i < data.workPerItem; i++) sink = (sink + i * id) | 0;
    Atomics.add(seen, id, 1);
    consumed++;
    ring.taskDone();
  }
}

parentPort?.postMessage(data.role === 'producer' ? produce() : consume());
