import { catalog, coded } from '@concurrency-lab/errors';

/** Every error the demos throw on purpose; `code` is the stable part (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_DEMO_';

/** The command line names no known demo, or an option is unknown or malformed. */
export class UsageError extends coded('ERR_DEMO_USAGE', 'Invalid demo usage') {}

/** A thread or process entry of the demos is missing from `dist/`: build first. */
export class NotBuiltError extends coded('ERR_DEMO_NOT_BUILT', 'The demos are not built') {}

/** A demo's worker thread or child process failed, or exited before it reported. */
export class WorkerFailedError extends coded('ERR_DEMO_WORKER_FAILED', 'A demo worker failed') {}

/** A step of a demo did not finish within its bound (a demo never hangs). */
export class StepTimeoutError extends coded('ERR_DEMO_STEP_TIMEOUT', 'A demo step timed out') {}

export const ERROR_CATALOG = catalog(
  [UsageError, 'The `demo` command names no known demo, or an option is unknown or malformed.'],
  [
    NotBuiltError,
    'A thread or process entry of the demos is missing from `apps/demos/dist`: run `npx nx build demos`.',
  ],
  [
    WorkerFailedError,
    "A demo's worker thread or child process failed, or exited before it reported.",
  ],
  [
    StepTimeoutError,
    'A step of a demo did not finish within its bound; the demo stops instead of hanging.',
  ],
);
