import { catalog, coded } from '@concurrency-lab/errors';

/**
 * Every error the launcher throws on purpose. Callers branch on `code`; messages carry what a
 * person needs to fix it (which service, what it printed).
 */
export const ERROR_NAMESPACE = 'ERR_LAUNCH_';

/** An app has no `dist/main.js`: nothing was built. */
export class NotBuiltError extends coded('ERR_LAUNCH_NOT_BUILT', 'The app is not built') {}

/**
 * A service exited, or stayed silent past its start timeout, before it said `listening`; or one
 * already up exited while the rest of its fleet was starting.
 */
export class StartFailedError extends coded(
  'ERR_LAUNCH_START_FAILED',
  'A service failed to start',
) {
  /** Everything the process printed, for the message and for tests ('' when none was given). */
  readonly output: string;

  /**
   * Built as every coded error is (`()`, `(message, { cause })`); `output`, what the process
   * printed, is added to the message (its last 4000 characters) and kept whole.
   */
  constructor(message?: string, options?: ErrorOptions & { output?: string }) {
    const output = options?.output ?? '';
    super(
      message === undefined || output === '' ? message : `${message}\n${output.slice(-4000)}`,
      options,
    );
    this.output = output;
  }
}

/** No `nx.json` above a folder: not inside the repository. */
export class WorkspaceNotFoundError extends coded(
  'ERR_LAUNCH_NO_WORKSPACE',
  'No nx.json above this folder',
) {}

/** A model or app the registry does not know, or an option out of its domain. */
export class LaunchArgumentError extends coded(
  'ERR_LAUNCH_INVALID_ARGUMENT',
  'Invalid launcher argument',
) {}

/** Every code above, for docs/errors.md and the workspace's uniqueness test. */
export const ERROR_CATALOG = catalog(
  [NotBuiltError, 'An app has no built entry (`apps/<app>/dist/main.js`); run `npm run build`.'],
  [
    StartFailedError,
    'A service exited or stayed silent past its start timeout before logging `listening`, or a service already up exited while the rest of its fleet started; the message carries its output.',
  ],
  [
    WorkspaceNotFoundError,
    'No `nx.json` was found above the folder: the launcher runs inside the repository.',
  ],
  [LaunchArgumentError, 'An unknown model or app, or an option out of its domain.'],
);
