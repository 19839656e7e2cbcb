import { checkFolderCanBeMade, type FolderError } from '@concurrency-lab/report-kit';
import { OutFolderError } from './errors';

/** What an fs error says, in words: `a part of it is a file (ENOTDIR)`. */
function why(error: unknown): string {
  const { code, message, danglingLink } = error as Partial<FolderError>;
  // report-kit says EEXIST for a link to nothing too, and tells it from a file.
  if (danglingLink === true) return `it is a link to nothing (${code})`;
  const words: Record<string, string> = {
    EEXIST: 'it is a file',
    ENOENT: 'no folder can be made there',
    ENOTDIR: 'a part of it is a file',
    EACCES: 'no permission to write there',
    EPERM: 'no permission to write there',
    EROFS: 'the file system is read-only',
  };
  return code && words[code] ? `${words[code]} (${code})` : (message ?? String(error));
}

/**
 * Checks, before anything starts, that a command's report can go under `dir`: a `--out` that is a
 * file, or where no folder can be made (no permission; /proc or /sys, even as root), is refused
 * now (`ERR_LAB_OUT_UNUSABLE`) instead of after the whole run, which would then be lost. A folder
 * is really made there and removed (report-kit's `checkFolderCanBeMade`): nothing is left, so a
 * run that stops before its report leaves no empty folder; the report's writer makes `dir`.
 */
export function checkOutFolder(dir: string): string {
  try {
    checkFolderCanBeMade(dir);
  } catch (error) {
    throw new OutFolderError(
      `Expected \`--out\` to name a folder a report can be written to; ${dir}: ${why(error)} — nothing was started`,
    );
  }
  return dir;
}

/**
 * The error of a report that could not be written at the end of a run: where, and the file
 * system's own words (they name the path and the cause) — never a stack.
 */
export function notWritten(what: string, dir: string, error: unknown): OutFolderError {
  const { message } = error as { message?: string };
  return new OutFolderError(
    `The ${what} was not written (or not whole) under ${dir}: ${message ?? String(error)}`,
    { cause: error },
  );
}
