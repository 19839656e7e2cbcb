import { coded, registry, type ErrorClassOf } from '@concurrency-lab/errors';

/**
 * Every error this library throws on purpose. Callers (HTTP handlers, worker pools) branch on
 * `code`, which is part of the contract; messages are for humans and may change at any time.
 */

/** Every code below starts with this (docs/errors.md); the HTTP layer maps them to problems. */
export const ERROR_NAMESPACE = 'ERR_WORKLOAD_';

/** Base class, so callers can tell "the workload rejected its input" from a crash. */
export class WorkloadError extends Error {}

/** The bytes are not a PNG we can read, or an {@link RgbaImage} is internally inconsistent. */
export class InvalidImageError extends coded(
  'ERR_WORKLOAD_INVALID_IMAGE',
  'not a PNG that can be read',
  WorkloadError,
) {}

/** The image header declares a side longer than the caller allows (decompression bomb guard). */
export class ImageTooLargeError extends coded(
  'ERR_WORKLOAD_IMAGE_TOO_LARGE',
  'the image is larger than allowed',
  WorkloadError,
) {
  readonly width: number;
  readonly height: number;
  readonly maxSide: number;

  constructor(size: { width: number; height: number }, maxSide: number, options?: ErrorOptions) {
    super(`image is ${size.width}x${size.height}, limit is ${maxSide} per side`, options);
    this.width = size.width;
    this.height = size.height;
    this.maxSide = maxSide;
  }
}

/**
 * A numeric argument is out of its domain (negative, fractional, NaN) or a name is unknown.
 * Raised instead of letting e.g. `fib(-1)` quietly return garbage or `sleep(NaN)` fire at once.
 */
export class InvalidArgumentError extends coded(
  'ERR_WORKLOAD_INVALID_ARGUMENT',
  'invalid argument',
  WorkloadError,
) {}

/**
 * The operator's workload module (`LAB_WORKLOAD`) cannot serve: no such file, it fails to load,
 * it exports no `run`, or its `inputs()` are unusable. Raised at the service's start, which then
 * refuses to start.
 */
export class WorkloadModuleError extends coded(
  'ERR_WORKLOAD_MODULE',
  'the workload module cannot serve',
  WorkloadError,
) {
  /** Which check it failed, for a caller that answers each differently (the lab's probe). */
  readonly problem: WorkloadModuleProblem | undefined;

  constructor(message?: string, options?: ErrorOptions & { problem?: WorkloadModuleProblem }) {
    super(message, options);
    this.problem = options?.problem;
  }
}

/**
 * The checks of a workload module, in the order they are made: `LAB_WORKLOAD` unset; the path
 * not absolute, or no such file; the module fails to load; no `run`; `inputs` unusable.
 */
export type WorkloadModuleProblem = 'unset' | 'path' | 'not-found' | 'load' | 'no-run' | 'inputs';

/**
 * The workload's `run(input)` threw or rejected, or answered a value that cannot cross to the
 * HTTP process or be JSON (answered 500 `ERR_WORK_FAILED`, no stack).
 */
export class CustomWorkloadError extends coded(
  'ERR_WORKLOAD_RUN_FAILED',
  'the workload’s run failed',
  WorkloadError,
) {}

/**
 * What a registry entry looks like: an error class of this library carrying its code statically.
 */
export type WorkloadErrorClass = ErrorClassOf<WorkloadError>;

/** Each class with what it means: the class list and the catalog below are read from here. */
const REGISTRY = registry<WorkloadErrorClass>(
  [
    InvalidImageError,
    'The bytes are not a PNG that can be decoded, or an image is inconsistent (answered 400 ERR_INVALID_IMAGE).',
  ],
  [
    ImageTooLargeError,
    'The PNG header declares a side over the limit (answered 413 ERR_IMAGE_TOO_LARGE).',
  ],
  [
    InvalidArgumentError,
    'A workload argument is out of its domain (negative, fractional, NaN) or a name is unknown.',
  ],
  [
    WorkloadModuleError,
    'The operator’s `LAB_WORKLOAD` module cannot serve (no such file, fails to load, no `run`, unusable `inputs()`); the service refuses to start.',
  ],
  [
    CustomWorkloadError,
    'The workload’s `run(input)` threw or rejected, or answered a value that cannot cross to the HTTP process or be JSON (answered 500 `ERR_WORK_FAILED`).',
  ],
);

/** Every error class above, e.g. to map codes to HTTP statuses exhaustively. */
export const WORKLOAD_ERRORS = REGISTRY.classes;

/** Every code above, for docs/errors.md and the workspace's uniqueness test. */
export const ERROR_CATALOG = REGISTRY.catalog;
