import { judge } from '../src/demos/leak';
import { fixedChild as fixed, leakyChild as leaky } from './support/leak-outcomes';

// The e2e test runs the demo with real children; here the verdict meets made-up runs, among
// them the one a demo leaving a child process of its own behind would give.

describe('the leak verdict', () => {
  it('holds when the leaky child grew and stayed alive, the fixed one did not, and the demo is clean', () => {
    expect(judge(leaky, fixed, { before: 2, after: 2 })).toEqual({
      checks: {
        leakyGrew: true,
        leakyStayedAlive: true,
        fixedBackToBaseline: true,
        fixedExited: true,
        demoProcessClean: true,
      },
      verdict: {
        holds: true,
        why: 'the leaks piled up and pinned the child; closing undid them',
      },
    });
    // Fewer handles after than before (one of this process's own closed meanwhile) is clean too.
    expect(judge(leaky, fixed, { before: 3, after: 1 }).verdict.holds).toBe(true);
  });

  it('does not hold when the demo leaves a child process of its own (and its pipes) open', () => {
    // A stray child: its ProcessWrap and three PipeWraps (stdio) still open at the end.
    const judged = judge(leaky, fixed, { before: 0, after: 4 });
    expect(judged.checks.demoProcessClean).toBe(false);
    expect(judged.verdict).toEqual({ holds: false, why: 'not shown: demoProcessClean' });
  });

  it('names each other check a wrong run fails', () => {
    const stillLeaky = { ...fixed, resourcesAfter: 1, exitedOnItsOwn: false };
    expect(judge(fixed, stillLeaky, { before: 0, after: 0 }).verdict).toEqual({
      holds: false,
      why: 'not shown: leakyGrew, leakyStayedAlive, fixedBackToBaseline, fixedExited',
    });
  });
});
