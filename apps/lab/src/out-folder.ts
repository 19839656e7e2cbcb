import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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
    makeFolder(resolve(dir));
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new OutFolderError(
      `Expected \`--out\` to name a folder a report can be written to; ${dir}: ${why(error)} — nothing was started`,
    );
  }
  return dir;
}

/**
 * `mkdir -p`, each missing part tried once from the deepest one that exists. Not
 * `mkdirSync(…, { recursive: true })`: on Node 24 it retries forever where mkdir says ENOENT
 * but the parent says EEXIST (`/proc/nope`), which hung the lab before it started.
 */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  // statSync follows links: a dangling link is "missing", and mkdir then says EEXIST on it.
  while (statSync(at, { throwIfNoEntry: false }) === undefined && dirname(at) !== at) {
    missing.unshift(at);
    at = dirname(at);
  }
  for (const part of missing) mkdirSync(part);
  // What was there already must be a folder: a file of that name is someone's data.
  if (!missing.length && !statSync(dir).isDirectory()) {
    throw Object.assign(new Error(`${dir} exists and is not a folder`), { code: 'EEXIST' });
  }
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
