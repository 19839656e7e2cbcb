/** Every error the chaos CLI throws on purpose; `code` is the stable part (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_CHAOS_';

/** A command-line option unknown or out of its domain; the message names it and what was received. */
export class ChaosUsageError extends Error {
  static readonly code = 'ERR_CHAOS_USAGE';
  override readonly name = 'ChaosUsageError';
  readonly code = ChaosUsageError.code;
}

export const ERROR_CATALOG = [
  {
    code: ChaosUsageError.code,
    className: 'ChaosUsageError',
    meaning: 'An option of `chaos` is unknown or out of its domain; the message names it.',
  },
] as const;
