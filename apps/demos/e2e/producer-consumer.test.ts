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
});
