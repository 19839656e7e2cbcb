import { catalog, coded, type CatalogEntry } from '@concurrency-lab/errors';

/** Every error the demos throw on purpose; `code` is the stable part (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_DEMO_';

/** The command line names no known demo, or an option is unknown or malformed. */
export class UsageError extends coded('ERR_DEMO_USAGE', 'Invalid demo usage') {}

/**
 * A demo's knob is unknown to it, or set to a value out of its bounds — from the command line
 * or from a caller of `run`. A usage error: the command exits 2 before anything starts.
 */
export class KnobError extends coded('ERR_DEMO_INVALID_KNOB', 'Invalid demo knob', UsageError) {
  /** The flag at fault, as the command line spells it (`--thread-increments`). */
  readonly flag: string;
  /** Every knob of the demo, as flags: what it would have taken. */
  readonly knobs: readonly string[];

  constructor(message: string, flag: string, knobs: readonly string[]) {
    super(message);
    this.flag = flag;
    this.knobs = knobs;
  }
}

/** A thread or process entry of the demos is missing from `dist/`: build first. */
export class NotBuiltError extends coded('ERR_DEMO_NOT_BUILT', 'The demos are not built') {}

/** A demo's worker thread or child process failed, or exited before it reported. */
export class WorkerFailedError extends coded('ERR_DEMO_WORKER_FAILED', 'A demo worker failed') {}

/** A step of a demo did not finish within its bound (a demo never hangs). */
export class StepTimeoutError extends coded('ERR_DEMO_STEP_TIMEOUT', 'A demo step timed out') {}

/** A job of the `gather` demo that fails on purpose: what gather and wait must report. */
export class JobFailedError extends coded('ERR_DEMO_JOB_FAILED', 'A demo job failed') {}

/** The demos' standard output failed with an error that carries no code of its own. */
export class OutputError extends coded('ERR_DEMO_OUTPUT', 'Cannot write the demo output') {}

/**
 * What a failed demo's figures say (`figures.error`) when it threw something without a string
 * `code` of its own (a bare `Error`, a string, `undefined`): a value, carried by no class, so a
 * reader of `--json` or the lessons report still finds a catalogued code there.
 */
export const DEMO_UNKNOWN_FAILURE = 'ERR_DEMO_UNKNOWN';

export const ERROR_CATALOG: readonly CatalogEntry[] = [
  ...catalog(
    [
      UsageError,
      "The `demo` command names no known demo, an option is unknown or malformed, or `--all`'s `--out` is not a folder it can create in.",
    ],
    [
      KnobError,
      "A demo's knob is unknown to it or out of its bounds, or its knobs together break one of the demo's rules (the lesson could not show), from the command line or a caller of `run`.",
    ],
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
    [
      JobFailedError,
      'A job of the `gather` demo failed on purpose: the lesson is how gather, wait and a task group report it.',
    ],
    [
      OutputError,
      "The demos' standard output failed with an error that has no code of its own (a closed pipe ends the command as `SIGPIPE` does).",
    ],
  ),
  {
    code: DEMO_UNKNOWN_FAILURE,
    className: 'DemoResult',
    carrier: 'value',
    meaning:
      "A failed demo's `figures.error` when it threw no string `code`; `figures.message` says why.",
  },
];
