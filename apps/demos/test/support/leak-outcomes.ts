import type { ChildOutcome } from '../../src/demos/leak';

/** A leaky child's run: 2 timers more, 4 OS threads more, killed after its grace. */
export const leakyChild: ChildOutcome = {
  resourcesBefore: 0,
  resourcesAfter: 2,
  threadsBefore: 10,
  threadsAfter: 14,
  exitedOnItsOwn: false,
  exitCode: null,
};

/** A fixed child's run: back to its baseline, exited 0 on its own. */
export const fixedChild: ChildOutcome = {
  resourcesBefore: 0,
  resourcesAfter: 0,
  threadsBefore: 10,
  threadsAfter: 10,
  exitedOnItsOwn: true,
  exitCode: 0,
};
