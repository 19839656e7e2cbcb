/** Every error the demos throw on purpose; `code` is the stable part (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_DEMO_';

/** The command line names no known demo, or an option is unknown or malformed. */
export class UsageError extends Error {
  static readonly code = 'ERR_DEMO_USAGE';
  override readonly name = 'UsageError';
  readonly code = UsageError.code;
}

/** A thread or process entry of the demos is missing from `dist/`: build first. */
export class NotBuiltError extends Error {
  static readonly code = 'ERR_DEMO_NOT_BUILT';
  override readonly name = 'NotBuiltError';
  readonly code = NotBuiltError.code;
}

/** A demo's worker thread or child process failed, or exited before it reported. */
export class WorkerFailedError extends Error {
  static readonly code = 'ERR_DEMO_WORKER_FAILED';
  override readonly name = 'WorkerFailedError';
  readonly code = WorkerFailedError.code;
}

/** A step of a demo did not finish within its bound (a demo never hangs). */
export class StepTimeoutError extends Error {
  static readonly code = 'ERR_DEMO_STEP_TIMEOUT';
  override readonly name = 'StepTimeoutError';
  readonly code = StepTimeoutError.code;
}

export const ERROR_CATALOG = [
  {
    code: UsageError.code,
    className: 'UsageError',
    meaning: 'The `demo` command names no known demo, or an option is unknown or malformed.',
  },
  {
    code: NotBuiltError.code,
    className: 'NotBuiltError',
    meaning:
      'A thread or process entry of the demos is missing from `apps/demos/dist`: run `npx nx build demos`.',
  },
  {
    code: WorkerFailedError.code,
    className: 'WorkerFailedError',
    meaning: "A demo's worker thread or child process failed, or exited before it reported.",
  },
  {
    code: StepTimeoutError.code,
    className: 'StepTimeoutError',
    meaning: 'A step of a demo did not finish within its bound; the demo stops instead of hanging.',
  },
] as const;
