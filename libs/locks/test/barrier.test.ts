import fc from 'fast-check';
import { Barrier } from '../src/index';
import { holds } from './support/properties';

describe('Barrier', () => {
  it('releases exactly `parties` waiters per cycle with indexes 0..parties-1, in any interleaving', async () => {
    await holds(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        async (s, parties, cycles) => {
          let actions = 0;
          const barrier = new Barrier({ parties, action: () => actions++ });
          const released: number[][] = [];
          const arrive = async (id: number): Promise<void> => {
            await s.schedule(Promise.resolve(`party ${id} arrives`));
            const cycle = barrier.cycles;
            const index = await barrier.wait();
            (released[cycle] ??= []).push(index);
          };
          await s.waitFor(
            Promise.all(Array.from({ length: parties * cycles }, (_, id) => arrive(id))),
          );
          expect(actions).toBe(cycles);
          expect(released).toHaveLength(cycles);
          for (const indexes of released) {
            expect([...indexes].sort()).toEqual(Array.from({ length: parties }, (_, i) => i));
          }
        },
      ),
    );
  });

  it('keeps phases apart (negative control: without it a party starts phase 2 early)', async () => {
    const run = async (sync: (() => Promise<unknown>) | undefined): Promise<boolean> => {
      let finishedPhase1 = 0;
      let early = false;
      const party = async (work: number): Promise<void> => {
        for (let turns = 0; turns < work; turns++) await new Promise((r) => setImmediate(r));
        finishedPhase1++;
        await sync?.();
        early ||= finishedPhase1 !== 3; // phase 2 starts: everyone must be done with phase 1
      };
      await Promise.all([party(0), party(3), party(6)]);
      return early;
    };
    const barrier = new Barrier({ parties: 3 });
    expect(await run(() => barrier.wait())).toBe(false);
    expect(await run(undefined)).toBe(true);
  });

  it('breaks for everyone when one party times out; later waits fail until reset()', async () => {
    const barrier = new Barrier({ parties: 3, name: 'phase' });
    const patient = barrier.wait();
    const impatient = barrier.wait({ timeout: 5 });
    await expect(impatient).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
    await expect(patient).rejects.toMatchObject({ code: 'ERR_LOCK_BARRIER_BROKEN' });
    expect(barrier.broken).toBe(true);
    await expect(barrier.wait()).rejects.toMatchObject({ code: 'ERR_LOCK_BARRIER_BROKEN' });
    barrier.reset();
    expect(barrier.broken).toBe(false);
    const again = [barrier.wait(), barrier.wait(), barrier.wait()];
    await expect(Promise.all(again)).resolves.toHaveLength(3);
  });

  it('breaks when the action throws: the last party gets the error, the others ERR_LOCK_BARRIER_BROKEN', async () => {
    const failure = new Error('action failed');
    const barrier = new Barrier({
      parties: 2,
      action: () => {
        throw failure;
      },
    });
    const first = barrier.wait();
    await expect(barrier.wait()).rejects.toBe(failure);
    await expect(first).rejects.toMatchObject({ code: 'ERR_LOCK_BARRIER_BROKEN' });
  });

  it('abort() breaks the waiting parties; reset() with waiters breaks them and clears the state', async () => {
    const barrier = new Barrier({ parties: 2 });
    const aborted = barrier.wait();
    barrier.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_LOCK_BARRIER_BROKEN' });
    barrier.reset();
    const reset = barrier.wait();
    expect(barrier.waiting).toBe(1);
    barrier.reset();
    await expect(reset).rejects.toMatchObject({ code: 'ERR_LOCK_BARRIER_BROKEN' });
    expect(barrier.waiting).toBe(0);
    expect(barrier.broken).toBe(false);
  });

  it('refuses an aborted signal before arriving, even as the last party, and breaks', async () => {
    const reason = new Error('caller gave up');
    let actions = 0;
    const barrier = new Barrier({ parties: 2, action: () => actions++ });
    const first = barrier.wait();
    // The last party: it used to complete the cycle and run the action.
    await expect(barrier.wait({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(first).rejects.toMatchObject({ code: 'ERR_LOCK_BARRIER_BROKEN' });
    expect([barrier.broken, barrier.cycles, actions]).toEqual([true, 0, 0]);
    expect(barrier.stats).toMatchObject({ aborts: 1, waiters: 0 });
    // Control: a last party whose signal has not aborted (or with a zero timeout: it does not
    // wait) completes the cycle.
    barrier.reset();
    const again = barrier.wait();
    await expect(barrier.wait({ signal: new AbortController().signal })).resolves.toBe(1);
    await expect(again).resolves.toBe(0);
    const third = barrier.wait();
    await expect(barrier.wait({ timeout: 0 })).resolves.toBe(1);
    await expect(third).resolves.toBe(0);
    expect([barrier.broken, barrier.cycles, actions]).toEqual([false, 2, 2]);
  });

  it('uses the constructor timeout as the default for each wait', async () => {
    const barrier = new Barrier({ parties: 2, timeout: 5 });
    await expect(barrier.wait()).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT', timeoutMs: 5 });
  });
});
