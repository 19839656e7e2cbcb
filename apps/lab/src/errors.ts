import { catalog, coded } from '@concurrency-lab/errors';

/** Every error the lab throws on purpose; `code` is the stable part (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_LAB_';

/** A command-line option out of its domain; the message names it and what was received. */
export class UsageError extends coded('ERR_LAB_USAGE', 'Invalid command-line usage') {}

/** The chosen load driver cannot run here (k6 not on PATH). */
export class DriverUnavailableError extends coded(
  'ERR_LAB_DRIVER_UNAVAILABLE',
  'The load driver cannot run here',
) {}

/** load-tests/scenarios.json does not validate, or repeats a scenario id. */
export class ScenarioCatalogError extends coded(
  'ERR_LAB_SCENARIO_CATALOG',
  'load-tests/scenarios.json is invalid',
) {}

/** A `--targets` service does not answer, or answers as another model than it was named. */
export class TargetUnreachableError extends coded(
  'ERR_LAB_TARGET_UNREACHABLE',
  'A target service does not answer',
) {}

/** A `--targets` service was not started with a workload (`/work/custom` answers 404). */
export class TargetWithoutWorkloadError extends coded(
  'ERR_LAB_TARGET_NO_WORKLOAD',
  'A target service serves no workload',
) {}

/** `lab compare` was given a file that is not a lab report (or a sweep that is not a sweep). */
export class ReportFileError extends coded('ERR_LAB_REPORT_FILE', 'Not a lab report') {}

/** `--workload` names no readable file. */
export class WorkloadNotFoundError extends coded(
  'ERR_LAB_WORKLOAD_NOT_FOUND',
  'The workload module does not exist',
) {}

/**
 * Importing the workload module threw (syntax error, a failing import, a throw at top level), or
 * its `describe()` did.
 */
export class WorkloadLoadError extends coded(
  'ERR_LAB_WORKLOAD_LOAD_FAILED',
  'The workload module failed to load',
) {}

/** The workload module exports no function `run`. */
export class WorkloadNoRunError extends coded(
  'ERR_LAB_WORKLOAD_NO_RUN',
  'The workload module exports no function `run`',
) {}

/** `inputs` is exported but is not a function answering a non-empty array of clonable values. */
export class WorkloadInputsError extends coded(
  'ERR_LAB_WORKLOAD_BAD_INPUTS',
  'The workload’s `inputs` are unusable',
) {}

/** `run(input)` threw or rejected on the probe call. */
export class WorkloadThrewError extends coded(
  'ERR_LAB_WORKLOAD_THREW',
  'The workload’s `run` threw',
) {}

/**
 * `run(input)` returned a value the services could not answer with: one that cannot cross to a
 * thread or process (a function, a symbol, a socket…) or be JSON (a circular object…).
 */
export class WorkloadNotClonableError extends coded(
  'ERR_LAB_WORKLOAD_NOT_CLONABLE',
  'The workload’s `run` returned a value that cannot cross threads or be JSON',
) {}

/** `run(input)` did not return (or settle) within the probe's time limit. */
export class WorkloadTimeoutError extends coded(
  'ERR_LAB_WORKLOAD_TIMEOUT',
  'The workload’s `run` did not return in time',
) {}

/** A service the lab started (a model or upstream) exited while the run was measuring. */
export class ServiceDiedError extends coded(
  'ERR_LAB_SERVICE_DIED',
  'A service the lab started exited during the run',
) {}

/** `--out` names a place the report cannot be written to (a file, no permission, …). */
export class OutFolderError extends coded(
  'ERR_LAB_OUT_UNUSABLE',
  'The report cannot be written where `--out` says',
) {}

export const ERROR_CATALOG = catalog(
  [UsageError, 'An option of `lab` is unknown or out of its domain; the message names it.'],
  [
    DriverUnavailableError,
    'The chosen load driver cannot run on this machine (`--driver k6` without k6 on PATH).',
  ],
  [
    ScenarioCatalogError,
    '`load-tests/scenarios.json` does not validate, or repeats a scenario id.',
  ],
  [
    TargetUnreachableError,
    'A `--targets` service does not answer `/info`, or answers as another model than it was named.',
  ],
  [
    TargetWithoutWorkloadError,
    '`--workload` with `--targets`: a target was not started with `LAB_WORKLOAD` (`/work/custom` is 404).',
  ],
  [ReportFileError, '`lab compare` was given a path that holds no readable lab report.'],
  [WorkloadNotFoundError, '`--workload` names no readable file.'],
  [
    WorkloadLoadError,
    'Importing the workload module threw, or its `describe()` did; the message carries what it threw.',
  ],
  [WorkloadNoRunError, 'The workload module exports no function `run(input)`.'],
  [
    WorkloadInputsError,
    'The workload exports `inputs`, but it is not a function answering a non-empty array of values v8.serialize takes (what crosses to a pool process: no SharedArrayBuffer).',
  ],
  [
    WorkloadThrewError,
    'The probe call of `run(input)` threw or rejected; the message carries its error.',
  ],
  [
    WorkloadNotClonableError,
    '`run(input)` returned a value the services refuse, as `checkCustomResult` does: one that cannot leave a thread or process (a function, a symbol, …) or be JSON (a circular object, …).',
  ],
  [WorkloadTimeoutError, '`run(input)` did not return within the probe’s time limit.'],
  [
    ServiceDiedError,
    'A service the lab started exited during the run: the run stops and writes nothing; the message names the service, its model and its exit.',
  ],
  [
    OutFolderError,
    '`--out` cannot hold a report (a file, no write permission): refused before anything starts; a write that fails at the end says where.',
  ],
);
