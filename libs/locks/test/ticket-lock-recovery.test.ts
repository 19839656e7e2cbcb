import { createSharedBuffer, HEADER_WORDS, SharedClock } from '../src/shared/shared-clock';
import { THREAD_TAG } from '../src/shared/thread-identity';
import { TicketLock } from '../src/shared/ticket-lock';
import { IDLE, slotValue } from '../src/shared/ticket-slot';

/*
 * White-box: a thread killed (worker.terminate, OOM) between two stores of its acquire cannot
 * be stopped there on purpose by a test, so these write the cells exactly as such a death leaves
 * them (offsets from the layout drawn in ticket-lock.ts) and check what the recovery makes of it.
 */
const NEXT = HEADER_WORDS;
const OWNER = HEADER_WORDS + 2;
const SLOTS = HEADER_WORDS + 15;
const N = 4;
const DEAD = 999; // the tag of a thread that no longer runs

/** A lock whose ticket 1 was granted to DEAD, which died after naming itself owner. */
function grantedToDeadOwner() {
  const buffer = createSharedBuffer(TicketLock.words(N));
  const cells = new Int32Array(buffer);
  TicketLock.initialize(cells, HEADER_WORDS, N);
  const lock = new TicketLock(cells, HEADER_WORDS, new SharedClock(buffer));
  expect(lock.tryLock()).toBe(0);
  lock.unlock(0); // nobody waits: ticket 1's slot is granted, the lock free
  // DEAD's tryLock: takes ticket 1 (next 1 → 2), then #acquired's first store, and dies.
  Atomics.store(cells, NEXT, 2);
  Atomics.store(cells, OWNER, DEAD);
  return { cells, lock };
}

describe('TicketLock recovery of an owner killed inside its acquire', () => {
  it.each([
    ['before re-arming its slot', false],
    ['after re-arming its slot, before publishing serving', true],
  ])(
    'killed %s: the recovery finishes the grant and the next arrival is the heir',
    (_, rearmed) => {
      const { cells, lock } = grantedToDeadOwner();
      if (rearmed) Atomics.store(cells, SLOTS + 1, slotValue(1 + N, IDLE));
      expect(lock.recoverDeadThread(DEAD)).toEqual({ wasOwner: true, abandonedTickets: 0 });
      expect(lock.serving).toBe(1);
      const ticket = lock.tryLock();
      expect(ticket).toBe(2);
      expect(lock.owner).toBe(THREAD_TAG);
      expect(lock.isHeir(2)).toBe(true);
      lock.unlock(2);
      expect(lock.tryLock()).toBe(3); // the ring goes on past the re-armed slot
      expect(lock.isHeir(3)).toBe(false);
      expect(lock.recoveries).toBe(1);
    },
  );

  it('negative control: without the recovery nobody gets it again', () => {
    const { lock } = grantedToDeadOwner();
    expect(lock.tryLock()).toBeNull();
    expect(lock.owner).toBe(DEAD);
  });
});
