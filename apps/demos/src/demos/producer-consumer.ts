import { SharedRingQueue } from '@concurrency-lab/queues';
import { defineDemo } from '../demo';
import { integer } from '../knobs';
import { verdictOf } from '../verdict';
import { int } from '../format';
import { Peer } from '../peer';
import type { RingWorkerData, RingWorkerReport } from '../workers/ring-worker';

/**
 * The most items a run hands over, and the most busy-work iterations they carry in all: a
 * producer is given 30 s to put its items (a peer's step timeout), and it puts the last ones only
 * once the consumers have taken and worked through nearly all. Measured here, at the slowest
 * knobs (8 producers to 1 consumer through 1 slot): 100,000 items took 5.5 s with no work, and
 * 13.7 s with 20,000 iterations each; 50,000 iterations × the default 40,000 items took 11 s.
 */
const MAX_ITEMS = 100_000;
const MAX_WORK = 2_000_000_000;

export const producerConsumer = defineDemo({
  name: 'producer-consumer',
  mirrors: 'queue.Queue: producers and consumers across threads',
  describe:
    'Producer threads and consumer threads around one bounded SharedRingQueue. Full, it makes producers wait (backpressure); join() returns once every item is marked done; shutdown() ends the consumers. Every id is tallied: nothing lost or doubled.',
  knobs: {
    // Each is a thread: 8 + 8 already crowd 2 cores.
    producers: integer('Producer threads.', { default: 2, min: 1, max: 8 }),
    consumers: integer('Consumer threads.', { default: 2, min: 1, max: 8 }),
    // One producer alone may hand over all MAX_ITEMS; more share them (the rule below).
    itemsPerProducer: integer('Items per producer.', {
      default: 20_000,
      min: 1,
      max: MAX_ITEMS,
    }),
    // Small, so producers outrun it and must wait; the ring is one SharedArrayBuffer.
    capacity: integer('Slots of the ring.', { default: 8, min: 1, max: 1024 }),
    // Busy loop iterations per item: 50,000 × the default 40,000 items took 11 s here (MAX_WORK).
    workPerItem: integer('Busy-work per consumed item (loop iterations).', {
      default: 2000,
      min: 0,
      max: 50_000,
    }),
  },
  rules: [
    {
      knobs: ['itemsPerProducer', 'producers', 'capacity'],
      doc: '`--items-per-producer` × `--producers` above `--capacity`: else every item fits in the ring and no producer is ever held back',
      holds: ({ itemsPerProducer, producers, capacity }) => itemsPerProducer * producers > capacity,
    },
    {
      knobs: ['itemsPerProducer', 'producers'],
      doc: `\`--items-per-producer\` × \`--producers\` at most ${int(MAX_ITEMS)}: else handing them over can outlast the 30 s a producer is given to put its items`,
      holds: ({ itemsPerProducer, producers }) => itemsPerProducer * producers <= MAX_ITEMS,
    },
    {
      knobs: ['workPerItem', 'itemsPerProducer', 'producers'],
      doc: `\`--work-per-item\` × \`--items-per-producer\` × \`--producers\` at most ${int(MAX_WORK)}: else the consumers' busy-work can outlast the 30 s a producer is given to put its items`,
      holds: ({ workPerItem, itemsPerProducer, producers }) =>
        workPerItem * itemsPerProducer * producers <= MAX_WORK,
    },
  ],
  async run(o) {
    const total = o.producers * o.itemsPerProducer;
    const ring = new SharedRingQueue({ capacity: o.capacity, slotBytes: 4 });
    const seen = new SharedArrayBuffer(4 * total);
    // [open, taken, filled]: see ring-worker.ts.
    const gate = new Int32Array(new SharedArrayBuffer(12));
    const openGate = (cell = 0) => {
      Atomics.store(gate, cell, 1);
      Atomics.notify(gate, cell);
    };
    const tallied = () => new Int32Array(seen).reduce((sum, n) => sum + n, 0);
    const base = {
      ring: ring.buffer,
      seen,
      workPerItem: o.workPerItem,
      first: 0,
      count: 0,
      total,
      gate: gate.buffer,
    };
    const peers: Peer[] = [];
    try {
      for (let c = 0; c < o.consumers; c++) {
        peers.push(
          Peer.thread('ring-worker', { ...base, role: 'consumer' } satisfies RingWorkerData),
        );
      }
      const producers = Array.from({ length: o.producers }, (_, p) =>
        Peer.thread('ring-worker', {
          ...base,
          role: 'producer',
          first: p * o.itemsPerProducer,
          count: o.itemsPerProducer,
        } satisfies RingWorkerData),
      );
      peers.push(...producers);
      const consumers = peers.slice(0, o.consumers);
      const start = performance.now();
      const produced = await Promise.all(producers.map((p) => p.next<RingWorkerReport>()));
      // Every item put; the consumer holding the last one waits at the gate, so it is unfinished.
      const consumedBeforeJoin = tallied();
      let joinReturned = false;
      const joined = ring.joinAsync().then(() => {
        joinReturned = true;
      });
      // A turn of the loop: a join() that does not wait for unfinished items has returned by now.
      await new Promise((resolve) => setImmediate(resolve));
      const joinReturnedWhileHeld = joinReturned;
      openGate();
      await joined;
      const joinedMs = performance.now() - start;
      // Consumers tally an id before marking it done: at join, every id has been consumed.
      const consumedAtJoin = tallied();
      await ring.shutdownAsync();
      const consumed = await Promise.all(consumers.map((c) => c.next<RingWorkerReport>()));
      const exits = await Promise.all(peers.map((p) => p.exited));

      const tally = new Int32Array(seen);
      let lost = 0;
      let duplicated = 0;
      for (const n of tally) {
        if (n === 0) lost++;
        else if (n > 1) duplicated++;
      }
      const waitedForRoom = produced.reduce(
        (s, r) => s + (r.role === 'producer' ? r.waitedForRoom : 0),
        0,
      );
      const consumedCounts = consumed.map((r) => (r.role === 'consumer' ? r.consumed : 0));
      const endedByShutdown = consumed.every(
        (r) => r.role === 'consumer' && r.endedBy === 'ERR_QUEUE_SHUTDOWN',
      );
      const cleanExits = exits.every((e) => e.code === 0);
      const checks = {
        nothingLost: lost === 0,
        nothingDuplicated: duplicated === 0,
        backpressure: waitedForRoom > 0,
        joinWaitedForHeldItem: consumedBeforeJoin < total && !joinReturnedWhileHeld,
        joinedWithAllDone: consumedAtJoin === total,
        consumersEndedByShutdown: endedByShutdown && cleanExits,
      };
      return {
        figures: {
          ...o,
          total,
          consumedPerConsumer: consumedCounts,
          lost,
          duplicated,
          waitedForRoom,
          consumedBeforeJoin,
          joinReturnedWhileHeld,
          consumedAtJoin,
          joinedMs,
          checks,
        },
        table: {
          header: ['figure', 'value'],
          align: ['left', 'right'],
          rows: [
            ['items produced', int(total)],
            [
              'items consumed',
              `${int(consumedCounts.reduce((a, b) => a + b, 0))} (${consumedCounts.map(int).join(' + ')})`,
            ],
            ['lost / duplicated', `${lost} / ${duplicated}`],
            [`puts that found the ${o.capacity} slots full`, int(waitedForRoom)],
            ['consumed when join() was called (last item held)', int(consumedBeforeJoin)],
            ['consumed when join() returned', int(consumedAtJoin)],
            ['consumers ended by shutdown()', endedByShutdown ? 'all' : 'not all'],
          ],
        },
        notes: [
          `${o.producers} producer and ${o.consumers} consumer threads; the main thread only waits (joinAsync, shutdownAsync never block its loop). Join took ${int(joinedMs)} ms.`,
          "Python's queue.Queue(maxsize) blocks put() when full and get() when empty; task_done()/join() and (3.13) shutdown() are the same here. A sentinel per consumer works too; shutdown() needs none.",
        ],
        verdict: verdictOf(
          checks,
          `${int(total)} items, none lost or doubled, ${int(waitedForRoom)} puts held back`,
        ),
      };
    } finally {
      // Never leave a consumer at a gate (a producer failed before the queue was full).
      openGate(2);
      openGate();
      await Promise.all(peers.map((p) => p.close()));
    }
  },
});
