import { accessSync, constants, mkdirSync } from 'node:fs';
import { OutFolderError } from './errors';

/** What an fs error says, in words: `a part of it is a file (ENOTDIR)`. */
function why(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const words: Record<string, string> = {
    EEXIST: 'it is a file',
    ENOTDIR: 'a part of it is a file',
    EACCES: 'no permission to write there',
    EPERM: 'no permission to write there',
    EROFS: 'the file system is read-only',
  };
  return code && words[code] ? `${words[code]} (${code})` : (message ?? String(error));
}

/**
 * The folder a command's report goes under, made and checked before anything starts: a `--out`
 * that is a file, or a folder the lab may not write to, is refused now (`ERR_LAB_OUT_UNUSABLE`)
 * instead of after the whole run, which would then be lost.
 */
export function prepareOutFolder(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
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
