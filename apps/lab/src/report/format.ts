import { NO_FIGURE } from '@concurrency-lab/report-kit';
import { hasAnswers } from './verdict';

export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
export const fixed = (value: number, digits = 1): string => value.toFixed(digits);
/** A figure that may be missing (null: not measured), as report-kit's NO_FIGURE then. */
export const fixedOrDash = (value: number | null, digits = 1): string =>
  value === null ? NO_FIGURE : fixed(value, digits);
/**
 * A latency percentile of a model's summary: a dash when the model answered nothing — the 0 is
 * the recorder's "no answer came", and would read as the fastest model of all.
 */
export const latencyOrDash = (summary: { readonly rps: number }, ms: number): string =>
  fixedOrDash(hasAnswers(summary) ? ms : null);

/**
 * `ratio` against the `threshold` a verdict weighs it by, as `2.97×`: never reading as meeting
 * a threshold it misses, nor missing one it meets (338.9 / 114.1 = 2.97 is no `3.0×` beside
 * "≥ 3"). `digits` as a rule; more, up to three, where those would read wrong; then cut toward
 * the verdict.
 */
export function ratioAgainst(ratio: number, threshold: number, digits = 1): string {
  const meets = ratio >= threshold;
  for (let d = digits; d <= 3; d++) {
    const printed = ratio.toFixed(d);
    if (Number(printed) >= threshold === meets) return `${printed}×`;
  }
  // Still wrong at three digits: only a ratio just under the threshold rounds up onto it.
  return `${(Math.floor(ratio * 1000) / 1000).toFixed(3)}×`;
}
