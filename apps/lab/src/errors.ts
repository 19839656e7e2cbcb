/** Every error the lab throws on purpose; `code` is the stable part (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_LAB_';

/** A command-line option out of its domain; the message names it and what was received. */
export class UsageError extends Error {
  static readonly code = 'ERR_LAB_USAGE';
  override readonly name = 'UsageError';
  readonly code = UsageError.code;
}

/** The chosen load driver cannot run here (k6 not on PATH). */
export class DriverUnavailableError extends Error {
  static readonly code = 'ERR_LAB_DRIVER_UNAVAILABLE';
  override readonly name = 'DriverUnavailableError';
  readonly code = DriverUnavailableError.code;
}

/** load-tests/scenarios.json does not validate, or repeats a scenario id. */
export class ScenarioCatalogError extends Error {
  static readonly code = 'ERR_LAB_SCENARIO_CATALOG';
  override readonly name = 'ScenarioCatalogError';
  readonly code = ScenarioCatalogError.code;
}

export const ERROR_CATALOG = [
  {
    code: UsageError.code,
    className: 'UsageError',
    meaning: 'An option of `lab` is unknown or out of its domain; the message names it.',
  },
  {
    code: DriverUnavailableError.code,
    className: 'DriverUnavailableError',
    meaning:
      'The chosen load driver cannot run on this machine (`--driver k6` without k6 on PATH).',
  },
  {
    code: ScenarioCatalogError.code,
    className: 'ScenarioCatalogError',
    meaning: '`load-tests/scenarios.json` does not validate, or repeats a scenario id.',
  },
] as const;
