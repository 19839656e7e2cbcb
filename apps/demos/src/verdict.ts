import type { Verdict } from './demo';

/**
 * The verdict of a lesson checked by named conditions: it holds when every one did; otherwise
 * the line names the ones that did not (`not shown: leakyGrew, fixedExited`), so a reader knows
 * which part of the lesson this run failed to show.
 */
export function verdictOf(checks: Readonly<Record<string, boolean>>, whyItHolds: string): Verdict {
  const failed = Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  return failed.length === 0
    ? { holds: true, why: whyItHolds }
    : { holds: false, why: `not shown: ${failed.join(', ')}` };
}
