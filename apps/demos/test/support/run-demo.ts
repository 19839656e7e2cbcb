import type { Demo, DemoResult, Figures } from '../../src/demo';
import { cores, type TooFewCores } from '../../src/machine';
import { COLUMNS, renderHeader, renderResult, verdictLine } from '../../src/render';

export interface DemoRun<F extends Figures = Figures> {
  result: DemoResult<F>;
  /** The figures, typed as the demo computed them. */
  figures: F;
  /** Every line the demo prints. */
  lines: string[];
}

/** Runs a demo in this process with `options` and renders what the command would print. */
export async function runDemo<P extends object, F extends Figures>(
  demo: Demo<P, F>,
  options: Partial<P>,
): Promise<DemoRun<F>> {
  return rendered(demo, await demo.run(options));
}

/** What the command would print for `result`: a verdict's unit test renders made-up runs. */
export function rendered<F extends Figures>(demo: Demo, result: DemoResult<F>): DemoRun<F> {
  const lines = `${renderHeader(demo)}\n${renderResult(demo, result)}`.split('\n');
  return { result, figures: result.figures, lines };
}

/**
 * The lines an 80-column terminal would wrap. The verdict line is exempt only when the lesson
 * does not hold (its `why` comes from the figures); a holding demo fits entirely.
 */
export function overlong(run: DemoRun, name: string): string[] {
  const last = verdictLine(name, run.result.verdict);
  expect(run.lines.at(-1)).toBe(last);
  return run.lines.filter(
    (line, i) =>
      line.length > COLUMNS && !(i === run.lines.length - 1 && !run.result.verdict.holds),
  );
}

/**
 * The figures of a demo whose lesson needs `needed` cores, once it ran on enough of them. On a
 * machine with fewer, checks the demo said it cannot be shown here (`needingCores`: it fails,
 * with the cores it has and needs as its only figures) rather than faking a figure, and gives
 * `undefined`: the test has nothing more to check.
 */
export function onEnoughCores<F extends Figures>(
  run: DemoRun<F | TooFewCores>,
  needed: number,
): Exclude<F, TooFewCores> | undefined {
  if (cores() >= needed) {
    // What makes the figures the lesson's own, not the refusal's.
    expect(Object.keys(run.figures)).not.toContain('coresNeeded');
    return run.figures as Exclude<F, TooFewCores>;
  }
  expect(run.result.verdict.holds).toBe(false);
  expect(run.figures).toEqual({ cores: cores(), coresNeeded: needed });
  return undefined;
}

/** A wrong run's verdict: `check` failed (others may have too) and the verdict names it. */
export function expectNotShown(
  run: DemoRun<{ checks: Readonly<Record<string, boolean>> }>,
  check: string,
): void {
  expect(run.figures.checks).toMatchObject({ [check]: false });
  expect(run.result.verdict).toMatchObject({ holds: false, why: expect.stringContaining(check) });
}
