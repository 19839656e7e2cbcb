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

/** A `--targets` service does not answer, or answers as another model than it was named. */
export class TargetUnreachableError extends Error {
  static readonly code = 'ERR_LAB_TARGET_UNREACHABLE';
  override readonly name = 'TargetUnreachableError';
  readonly code = TargetUnreachableError.code;
  constructor(message = 'A target service does not answer', options?: ErrorOptions) {
    super(message, options);
  }
}

/** A `--targets` service was not started with a workload (`/work/custom` answers 404). */
export class TargetWithoutWorkloadError extends Error {
  static readonly code = 'ERR_LAB_TARGET_NO_WORKLOAD';
  override readonly name = 'TargetWithoutWorkloadError';
  readonly code = TargetWithoutWorkloadError.code;
  constructor(message = 'A target service serves no workload', options?: ErrorOptions) {
    super(message, options);
  }
}

/** `lab compare` was given a file that is not a lab report (or a sweep that is not a sweep). */
export class ReportFileError extends Error {
  static readonly code = 'ERR_LAB_REPORT_FILE';
  override readonly name = 'ReportFileError';
  readonly code = ReportFileError.code;
  constructor(message = 'Not a lab report', options?: ErrorOptions) {
    super(message, options);
  }
}

/** `--workload` names no readable file. */
export class WorkloadNotFoundError extends Error {
  static readonly code = 'ERR_LAB_WORKLOAD_NOT_FOUND';
  override readonly name = 'WorkloadNotFoundError';
  readonly code = WorkloadNotFoundError.code;
  constructor(message = 'The workload module does not exist', options?: ErrorOptions) {
    super(message, options);
  }
}

/** Importing the workload module threw (syntax error, a failing import, a throw at top level). */
export class WorkloadLoadError extends Error {
  static readonly code = 'ERR_LAB_WORKLOAD_LOAD_FAILED';
  override readonly name = 'WorkloadLoadError';
  readonly code = WorkloadLoadError.code;
  constructor(message = 'The workload module failed to load', options?: ErrorOptions) {
    super(message, options);
  }
}

/** The workload module exports no function `run`. */
export class WorkloadNoRunError extends Error {
  static readonly code = 'ERR_LAB_WORKLOAD_NO_RUN';
  override readonly name = 'WorkloadNoRunError';
  readonly code = WorkloadNoRunError.code;
  constructor(message = 'The workload module exports no function `run`', options?: ErrorOptions) {
    super(message, options);
  }
}

/** `inputs` is exported but is not a function answering a non-empty array of clonable values. */
export class WorkloadInputsError extends Error {
  static readonly code = 'ERR_LAB_WORKLOAD_BAD_INPUTS';
  override readonly name = 'WorkloadInputsError';
  readonly code = WorkloadInputsError.code;
  constructor(message = 'The workload’s `inputs` are unusable', options?: ErrorOptions) {
    super(message, options);
  }
}

/** `run(input)` threw or rejected on the probe call. */
export class WorkloadThrewError extends Error {
  static readonly code = 'ERR_LAB_WORKLOAD_THREW';
  override readonly name = 'WorkloadThrewError';
  readonly code = WorkloadThrewError.code;
  constructor(message = 'The workload’s `run` threw', options?: ErrorOptions) {
    super(message, options);
  }
}

/** `run(input)` returned a value structured clone refuses (a function, a symbol, a socket…). */
export class WorkloadNotClonableError extends Error {
  static readonly code = 'ERR_LAB_WORKLOAD_NOT_CLONABLE';
  override readonly name = 'WorkloadNotClonableError';
  readonly code = WorkloadNotClonableError.code;
  constructor(
    message = 'The workload’s `run` returned a value that cannot be cloned',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** `run(input)` did not return (or settle) within the probe's time limit. */
export class WorkloadTimeoutError extends Error {
  static readonly code = 'ERR_LAB_WORKLOAD_TIMEOUT';
  override readonly name = 'WorkloadTimeoutError';
  readonly code = WorkloadTimeoutError.code;
  constructor(message = 'The workload’s `run` did not return in time', options?: ErrorOptions) {
    super(message, options);
  }
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
  {
    code: TargetUnreachableError.code,
    className: 'TargetUnreachableError',
    meaning:
      'A `--targets` service does not answer `/info`, or answers as another model than it was named.',
  },
  {
    code: TargetWithoutWorkloadError.code,
    className: 'TargetWithoutWorkloadError',
    meaning:
      '`--workload` with `--targets`: a target was not started with `LAB_WORKLOAD` (`/work/custom` is 404).',
  },
  {
    code: ReportFileError.code,
    className: 'ReportFileError',
    meaning: '`lab compare` was given a path that holds no readable lab report.',
  },
  {
    code: WorkloadNotFoundError.code,
    className: 'WorkloadNotFoundError',
    meaning: '`--workload` names no readable file.',
  },
  {
    code: WorkloadLoadError.code,
    className: 'WorkloadLoadError',
    meaning: 'Importing the workload module threw; the message carries its error.',
  },
  {
    code: WorkloadNoRunError.code,
    className: 'WorkloadNoRunError',
    meaning: 'The workload module exports no function `run(input)`.',
  },
  {
    code: WorkloadInputsError.code,
    className: 'WorkloadInputsError',
    meaning:
      'The workload exports `inputs`, but it is not a function answering a non-empty array of structured-clonable values.',
  },
  {
    code: WorkloadThrewError.code,
    className: 'WorkloadThrewError',
    meaning: 'The probe call of `run(input)` threw or rejected; the message carries its error.',
  },
  {
    code: WorkloadNotClonableError.code,
    className: 'WorkloadNotClonableError',
    meaning:
      '`run(input)` returned a value structured clone refuses (a function, a symbol, …): it could not leave a thread or process.',
  },
  {
    code: WorkloadTimeoutError.code,
    className: 'WorkloadTimeoutError',
    meaning: '`run(input)` did not return within the probe’s time limit.',
  },
] as const;
