import { judge, primitives, type PrimitiveFigures } from '../src/demos/primitives';
import { overlong, runDemo } from './support/run-demo';

/** Small knobs: every part runs in a moment. */
const SMALL = { pages: 6, permits: 2, items: 8, bufferSize: 2, parties: 3 };
/**
 * Each knob at its widest value (pages above permits, items above buffer size, as the rules
 * ask): the table's longest numbers.
 */
const WIDEST = { pages: 200, permits: 50, items: 10_000, bufferSize: 100, parties: 16 };

describe('primitives', () => {
  it('shows each primitive doing its job, against its absence where that is the point', async () => {
    const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap');
    const before = servers().length;
    const run = await runDemo(primitives, SMALL);
    // The crawler's two servers are closed before run resolves: none is left listening. (At
    // most as many as before: a server of an earlier file in this worker may close meanwhile.)
    expect(servers().length).toBeLessThanOrEqual(before);
    // Without the semaphore the fetches reach the server together: all 6 on a quiet machine,
    // but each is held 20 ms, so on a loaded one the last may come after the first is answered
    // (4 and 5 were seen). More than the permits is the lesson; with it, exactly 2.
    expect(run.figures.semaphore.mostInFlightWithout).toBeGreaterThan(SMALL.permits);
    expect(run.figures).toMatchObject({
      semaphore: { mostInFlightWith: 2 },
      event: { before: 0, after: 4 },
      condition: { largest: 2, inOrder: true },
      barrier: { overlapped: false, cycles: 3 },
      rwLock: { readersWhileWriting: 0 },
    });
    expect(run.figures.rwLock.mostReaders).toBeGreaterThan(1);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'primitives')).toEqual([]);
  });

  it('fits 80 columns with every knob at its widest value', async () => {
    // The table's width grows with the numbers' digits.
    const run = await runDemo(primitives, WIDEST);
    expect(run.figures.condition).toEqual({ largest: 100, inOrder: true });
    expect(overlong(run, 'primitives')).toEqual([]);
  });
});

describe('the primitives verdict', () => {
  /** Figures where each primitive did its job, at SMALL's knobs. */
  const good: PrimitiveFigures = {
    semaphore: { mostInFlightWithout: 6, mostInFlightWith: 2 },
    event: { before: 0, after: 4 },
    condition: { largest: 2, inOrder: true },
    barrier: { overlapped: false, cycles: 3 },
    rwLock: { mostReaders: 3, readersWhileWriting: 0 },
  };
  const withRwLock = (rwLock: PrimitiveFigures['rwLock']) => judge(SMALL, { ...good, rwLock });

  it('holds when each primitive did its job', () => {
    expect(judge(SMALL, good).verdict).toEqual({ holds: true, why: 'each primitive did its job' });
  });

  it('does not hold when readers never shared the RWLock (at most 1 at once)', () => {
    // An exclusive lock passed off as a readers-writer lock: readers one at a time, no writer
    // overlap. Its row reads NO and the verdict names it.
    const exclusive = withRwLock({ mostReaders: 1, readersWhileWriting: 0 });
    expect(exclusive.verdict).toEqual({ holds: false, why: 'not shown: RWLock' });
    expect(exclusive.rows.find(([name]) => name === 'RWLock')).toEqual([
      'RWLock',
      'up to 1 readers at once; 0 while the writer wrote',
      false,
    ]);
    // The control: two readers at once is sharing.
    expect(withRwLock({ mostReaders: 2, readersWhileWriting: 0 }).verdict.holds).toBe(true);
  });

  it.each<[string, string, Partial<PrimitiveFigures>]>([
    // One fetch at a time under Semaphore(2): a limit, but not the one it was given.
    [
      'a Semaphore(2) that let 1 fetch in at once',
      'Semaphore',
      { semaphore: { mostInFlightWithout: 6, mostInFlightWith: 1 } },
    ],
    ['an Event that let 2 workers start before set()', 'Event', { event: { before: 2, after: 4 } }],
    // At most 1 item held in 2 slots: the producer never had to wait for "not full".
    [
      'a bounded buffer that never filled',
      'Condition',
      { condition: { largest: 1, inOrder: true } },
    ],
    [
      'a Barrier that cycled 2 times for 3 phases',
      'Barrier',
      { barrier: { overlapped: false, cycles: 2 } },
    ],
  ])('does not hold for %s, and names the %s', (_, name, wrong) => {
    const judged = judge(SMALL, { ...good, ...wrong });
    expect(judged.verdict).toEqual({ holds: false, why: `not shown: ${name}` });
    expect(judged.rows.find(([row]) => row === name)?.[2]).toBe(false);
  });

  it('does not hold when a reader held the RWLock while the writer wrote', () => {
    expect(withRwLock({ mostReaders: 3, readersWhileWriting: 1 }).verdict).toEqual({
      holds: false,
      why: 'not shown: RWLock',
    });
  });
});
