import { catalog, coded } from '@concurrency-lab/errors';

/** Every error the chaos CLI throws on purpose; `code` is the stable part (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_CHAOS_';

/**
 * A command-line option unknown or out of its domain, or drills that apply to none of the
 * selected models; the message names the option and what was received.
 */
export class ChaosUsageError extends coded('ERR_CHAOS_USAGE', 'Invalid command-line usage') {}

export const ERROR_CATALOG = catalog([
  ChaosUsageError,
  'An option of `chaos` is unknown or out of its domain, or no selected drill applies to the selected models; the message names it.',
]);
