import { SharedRingQueue } from '@concurrency-lab/queues';
import { producerConsumer } from '../src/demos/producer-consumer';
import { Peer } from '../src/peer';
import type { RingWorkerData, RingWorkerReport } from '../src/workers/ring-worker';
import { around } from '../test/support/around';
import { trackPeers } from '../test/support/peers';
import { expectNotShown, overlong, runDemo } from '../test/support/run-demo';

afterEach(() => jest.restoreAllMocks());

/** Each thread's report, as `edit` makes it before the demo reads it. */
function editReports(edit: (report: RingWorkerReport) => RingWorkerReport): void {
  around(Peer.prototype, 'next', async (next, ...args) =>
    edit(await next<RingWorkerReport>(...args)),
  );
}

/** Each thread as Peer.thread starts it, then as `edit` changes it. */
function editThreads(edit: (peer: Peer, data: RingWorkerData) => void): void {
  const thread = Peer.thread.bind(Peer);
  jest.spyOn(Peer, 'thread').mockImplementation((entry, data, transfer) => {
    const peer = thread(entry, data, transfer);
    edit(peer, data as RingWorkerData);
    return peer;
  });
}

describe('producer-consumer', () => {
  it('moves every item once through the bounded ring, holding producers back, then joins and shuts down', async () => {
    const run = await runDemo(producerConsumer, { itemsPerProducer: 3000, capacity: 4 });
    const f = run.figures;
    expect(f.total).toBe(6000);
    expect(f.consumedPerConsumer.reduce((a, b) => a + b, 0)).toBe(6000);
    expect([f.lost, f.duplicated, f.consumedAtJoin]).toEqual([0, 0, 6000]);
    // The last item was held until join() was called: join had to wait for it, and did.
    expect(f.consumedBeforeJoin).toBeLessThan(6000);
    expect(f.joinReturnedWhileHeld).toBe(false);
    expect(f.checks.joinWaitedForHeldItem).toBe(true);
    expect(f.waitedForRoom).toBeGreaterThan(0);
    expect(f.checks.consumersEndedByShutdown).toBe(true);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'producer-consumer')).toEqual([]);
  });

  // A consumer can keep pace with a lone producer: before consumers waited for the ring to be
  // found full, no put waited in 13 runs of 20 at these knobs, and the check said the lesson
  // did not hold. Now the producer's second put always finds the one slot taken.
  it('holds the producer back even when eight consumers wait on one slot, every run', async () => {
    const knobs = { producers: 1, consumers: 8, itemsPerProducer: 2, capacity: 1, workPerItem: 0 };
    for (let run = 0; run < 5; run++) {
      const { figures, result } = await runDemo(producerConsumer, knobs);
      expect({ run, waitedForRoom: figures.waitedForRoom, lost: figures.lost }).toEqual({
        run,
        waitedForRoom: 1,
        lost: 0,
      });
      expect(result.verdict.holds).toBe(true);
    }
  });
});

/** A fault where the demo's figures come from: each wrong run must fail its own check. */
const faults: [string, string, () => void][] = [
  [
    'a join() that returns with an item unfinished',
    'joinWaitedForHeldItem',
    () => {
      jest.spyOn(SharedRingQueue.prototype, 'joinAsync').mockResolvedValue(undefined);
    },
  ],
  [
    'producers that say no put waited',
    'backpressure',
    () => editReports((r) => (r.role === 'producer' ? { ...r, waitedForRoom: 0 } : r)),
  ],
  [
    'one id tallied twice',
    'nothingDuplicated',
    () => {
      let seen: Int32Array | undefined;
      editThreads((_, data) => (seen = new Int32Array(data.seen)));
      editReports((r) => {
        // At the first consumer's report: every id is in, item 0 now counted twice.
        if (r.role === 'consumer' && seen) {
          Atomics.add(seen, 0, 1);
          seen = undefined;
        }
        return r;
      });
    },
  ],
  [
    'a consumer that exits with code 1',
    'consumersEndedByShutdown',
    () =>
      editThreads((peer, data) => {
        if (data.role !== 'consumer') return;
        const exited = peer.exited.then((exit) => ({ ...exit, code: 1 }));
        Object.defineProperty(peer, 'exited', { value: exited });
      }),
  ],
];

describe('the producer-consumer verdict', () => {
  const knobs = { itemsPerProducer: 500, capacity: 4 };

  it.each(faults)('does not hold with %s: %s not shown', async (_, check, fault) => {
    fault();
    expectNotShown(await runDemo(producerConsumer, knobs), check);
  });

  it('closes every thread before it rejects, when a producer fails', async () => {
    const peers = trackPeers();
    editReports((r) => {
      if (r.role === 'producer') throw new Error('a producer failed');
      return r;
    });
    await expect(runDemo(producerConsumer, knobs)).rejects.toThrow('a producer failed');
    expect([peers.started(), peers.running()]).toEqual([4, 0]);
  });
});
