import { SharedEvent, SharedSemaphore } from '../src/index';
import { runAll, terminateAll } from './support/workers';

afterEach(terminateAll);

interface Side {
  granted: number;
  timedOut: boolean;
}

const ROUNDS = 50_000;

/**
 * Two threads ping-pong `ROUNDS` times over two primitives (fixtures/hand-off.js): each hands
 * the turn to the other, then blocks on its own until the turn comes back.
 */
async function pingPong(
  kind: 'semaphore' | 'event',
  create: () => { handle: unknown },
): Promise<Side[]> {
  const [a, b] = [create(), create()];
  const started = new SharedArrayBuffer(4);
  // 5 s per wait: a turn comes back within microseconds, so only a lost hand-off (which never
  // comes back) lasts that long, never a slow or busy machine.
  const side = { kind, rounds: ROUNDS, timeout: 5000, started };
  return runAll<Side>('hand-off.js', [
    { ...side, mine: a.handle, other: b.handle, first: true },
    { ...side, mine: b.handle, other: a.handle, first: false },
  ]);
}

const everyRound = { granted: ROUNDS, timedOut: false };

/*
 * A release (SharedSemaphore.release(), SharedEvent.set()) never waits for the internal guard:
 * it marks itself pending and leaves it to the guard's holder, who re-checks the pending cells
 * after unlocking (GuardedSection.leave). Here every hand-off races the other thread's wait
 * through that guard, so some land after the waiter's last apply and before its unlock; without
 * the re-check they are applied to nobody and the waiter sleeps with a permit pending, a lost
 * wake-up. Negative control: with that re-check dropped from leave() (`held = null`, applied
 * as a mutation check), both threads stalled in every run, 40 of 40 with a 500 ms timeout, after
 * 3 to 5,763 rounds (the event's largest; the reviewer saw up to 22,589), and both tests here
 * failed 3 of 3 (2026-12-05). 50,000 rounds take about a second each on the real code.
 */
describe('cross-thread hand-offs through the guarded section', () => {
  it('SharedSemaphore: every release wakes the waiting thread (no round times out)', async () => {
    const sides = await pingPong('semaphore', () => new SharedSemaphore({ permits: 0 }));
    expect(sides).toEqual([everyRound, everyRound]);
  });

  it('SharedEvent: every set() wakes the waiting thread (no round times out)', async () => {
    const sides = await pingPong('event', () => new SharedEvent());
    expect(sides).toEqual([everyRound, everyRound]);
  });
});
