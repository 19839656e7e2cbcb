import { producerConsumer } from '../src/demos/producer-consumer';
import { overlong, runDemo } from '../test/support/run-demo';

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
