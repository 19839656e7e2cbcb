/**
 * Every error the launcher throws on purpose. Callers branch on `code`; messages carry what a
 * person needs to fix it (which service, what it printed).
 */
export const ERROR_NAMESPACE = 'ERR_LAUNCH_';

/** Base class: "the launcher could not do it", as opposed to any other failure. */
export abstract class LaunchError extends Error {
  abstract readonly code: string;
}

/** An app has no `dist/main.js`: nothing was built. */
export class NotBuiltError extends LaunchError {
  static readonly code = 'ERR_LAUNCH_NOT_BUILT';
  override readonly name = 'NotBuiltError';
  readonly code = NotBuiltError.code;
}

/** A service exited, or stayed silent past its start timeout, before it said `listening`. */
export class StartFailedError extends LaunchError {
  static readonly code = 'ERR_LAUNCH_START_FAILED';
  override readonly name = 'StartFailedError';
  readonly code = StartFailedError.code;
  /** Everything the process printed, for the message and for tests. */
  readonly output: string;

  constructor(message: string, output: string, options?: ErrorOptions) {
    super(`${message}\n${output.slice(-4000)}`, options);
    this.output = output;
  }
}

/** No `nx.json` above a folder: not inside the repository. */
export class WorkspaceNotFoundError extends LaunchError {
  static readonly code = 'ERR_LAUNCH_NO_WORKSPACE';
  override readonly name = 'WorkspaceNotFoundError';
  readonly code = WorkspaceNotFoundError.code;
}

/** A model or app the registry does not know, or an option out of its domain. */
export class LaunchArgumentError extends LaunchError {
  static readonly code = 'ERR_LAUNCH_INVALID_ARGUMENT';
  override readonly name = 'LaunchArgumentError';
  readonly code = LaunchArgumentError.code;
}

/** Every code above, for docs/errors.md and the workspace's uniqueness test. */
export const ERROR_CATALOG = [
  {
    code: NotBuiltError.code,
    className: 'NotBuiltError',
    meaning: 'An app has no built entry (`apps/<app>/dist/main.js`); run `npm run build`.',
  },
  {
    code: StartFailedError.code,
    className: 'StartFailedError',
    meaning:
      'A service exited or stayed silent past its start timeout before logging `listening`; the message carries its output.',
  },
  {
    code: WorkspaceNotFoundError.code,
    className: 'WorkspaceNotFoundError',
    meaning: 'No `nx.json` was found above the folder: the launcher runs inside the repository.',
  },
  {
    code: LaunchArgumentError.code,
    className: 'LaunchArgumentError',
    meaning: 'An unknown model or app, or an option out of its domain.',
  },
] as const;
