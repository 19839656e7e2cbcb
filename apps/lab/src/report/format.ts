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
