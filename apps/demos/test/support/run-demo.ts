import type { Demo, DemoResult } from '../../src/demo';
import { cores } from '../../src/machine';
import { COLUMNS, renderHeader, renderResult, verdictLine } from '../../src/render';

export interface DemoRun<F> {
  result: DemoResult;
  /** The figures, typed as the test expects them. */
  figures: F;
  /** Every line the demo prints. */
  lines: string[];
}

/** Runs a demo in this process with `options` and renders what the command would print. */
export async function runDemo<P extends object, F>(
  demo: Demo<P>,
  options: Partial<P>,
): Promise<DemoRun<F>> {
  const result = await demo.run(options);
  const lines = `${renderHeader(demo)}\n${renderResult(demo, result)}`.split('\n');
  return { result, figures: result.figures as F, lines };
}

/**
 * The lines an 80-column terminal would wrap. The verdict line is exempt only when the lesson
 * does not hold (its `why` comes from the figures); a holding demo fits entirely.
 */
export function overlong(run: DemoRun<unknown>, name: string): string[] {
  const last = verdictLine(name, run.result.verdict);
  expect(run.lines.at(-1)).toBe(last);
  return run.lines.filter(
    (line, i) =>
      line.length > COLUMNS && !(i === run.lines.length - 1 && !run.result.verdict.holds),
  );
}

/**
 * Whether this machine has fewer cores than the demo's lesson needs; if so, checks the demo said
 * it cannot be shown here (`needsCores`: it fails, with the cores it has and needs as its only
 * figures) rather than faking a figure, and the test has nothing more to check.
 */
export function tooFewCores(run: DemoRun<unknown>, needed: number): boolean {
  if (cores() >= needed) return false;
  expect(run.result.verdict.holds).toBe(false);
  expect(run.result.figures).toEqual({ cores: cores(), coresNeeded: needed });
  return true;
}
