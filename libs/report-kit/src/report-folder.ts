import { randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmdirSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';

/**
 * An ISO time as a folder name, sortable and valid on every filesystem: `2025-02-03T04-05-06-789Z`.
 */
export const folderStamp = (iso: string): string => iso.replace(/[:.]/g, '-');

/** A file of a report folder: text as is, anything else as indented JSON. */
export type ReportFile = string | object;

export interface ReportFolderOptions {
  /**
   * A symbolic link beside the folder, pointing at it by its relative name (`reports/latest` →
   * `2025-…`): a page or a person finds the newest report without its timestamp. A link of that
   * name is replaced. Anything else of that name — a folder, a file, the report's own folder —
   * is someone's data, not the link: it is left as it is and `writeReportFolder` throws an
   * error whose `code` is `EEXIST`, once the report's files are written.
   */
  readonly latest?: string;
}

/**
 * Writes one report's files into `dir` (created with its parents, see {@link makeFolder}): every
 * report of the repository is a folder of a JSON record, its markdown and its page. Returns `dir`.
 * The files are written before `latest` is looked at, so a name `latest` cannot take never costs
 * a report.
 */
export function writeReportFolder(
  dir: string,
  files: Readonly<Record<string, ReportFile>>,
  options: ReportFolderOptions = {},
): string {
  makeFolder(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(
      join(dir, name),
      typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
    );
  }
  if (options.latest !== undefined) pointLink(join(dirname(dir), options.latest), dir);
  return dir;
}

/**
 * What {@link checkFolderCanBeMade} and {@link makeFolder} throw of their own: an error as the
 * file system's are (`code` says what, `path` where, the message both), and `danglingLink` for
 * the one case a code cannot tell: EEXIST on a link to nothing, not on a file.
 */
export interface FolderError extends Error {
  code: string;
  path: string;
  danglingLink: boolean;
}

const fsError = (
  code: string,
  message: string,
  path: string,
  { cause, danglingLink = false }: { cause?: unknown; danglingLink?: boolean } = {},
): FolderError => Object.assign(new Error(message, { cause }), { code, path, danglingLink });

/**
 * `mkdir -p`: each missing part of `dir` made once, from the deepest one that exists, and a folder
 * already there taken. Never `mkdirSync(…, { recursive: true })`: on Node 24 it retries forever,
 * at 100% CPU and deaf to signals, where mkdir says ENOENT but the parent is there (`/proc/x`),
 * which hung a whole run at its end, its report never written.
 * @throws the file system's error (its `code`): EEXIST when `dir`, or a part of it, is a file
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  // statSync follows links: a dangling link is "missing", and mkdir then says EEXIST on it.
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (statSync(at, { throwIfNoEntry: false }) !== undefined || dirname(at) === at) break;
    missing.unshift(at);
  }
  for (const part of missing) {
    try {
      mkdirSync(part);
    } catch (error) {
      // Made meanwhile by another run writing beside this one (two reports under one new root).
      const made = (error as NodeJS.ErrnoException).code === 'EEXIST' && isFolder(part);
      if (!made) throw error;
    }
  }
  // What was there already must be a folder: a file of that name is someone's data.
  if (!isFolder(dir)) throw fsError('EEXIST', `EEXIST: ${dir} exists and is not a folder`, dir);
}

const isFolder = (path: string): boolean =>
  statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

/**
 * Checks, before a run that ends with a report, that {@link makeFolder} can make `dir` (or write
 * in it, if it is there): a folder is really made and removed in the deepest part of it that
 * exists. Not `access(W_OK)`: that passes for root on /proc and /sys, where no folder can be made
 * (the run was measured, then lost). Nothing is left behind, so a run that stops before its
 * report leaves no empty folder.
 * @throws FolderError, its `code` saying what and its `path` where (`dir`, the part of it at
 *   fault, or the folder no folder could be made in): EEXIST when `dir` is a file or a dangling
 *   link (a part of it too, for a link; `danglingLink` tells them apart), ENOTDIR when a part of
 *   it is a file, ENOENT/EACCES/EPERM/EROFS when no folder can be made there
 */
export function checkFolderCanBeMade(dir: string): void {
  const target = resolve(dir);
  for (let at = target; ; at = dirname(at)) {
    const found = entryAt(at);
    if (found === undefined && dirname(at) !== at) continue;
    if (found === 'dangling') {
      throw fsError(
        'EEXIST',
        `EEXIST: ${at} is a link to nothing, and no folder can be made there`,
        at,
        { danglingLink: true },
      );
    }
    if (found?.isDirectory() !== true) {
      throw at === target
        ? fsError('EEXIST', `EEXIST: ${at} exists and is not a folder`, at)
        : fsError('ENOTDIR', `ENOTDIR: ${at}, a part of ${target}, is not a folder`, at);
    }
    try {
      rmdirSync(mkdtempSync(join(at, '.report-folder-check-')));
    } catch (error) {
      // The probe's own name, which mkdtemp's error gives, means nothing to the caller: `at` does.
      const { code } = error as NodeJS.ErrnoException;
      if (code === undefined) throw error;
      throw fsError(code, `${code}: no folder can be made in ${at}`, at, { cause: error });
    }
    return;
  }
}

/** What is at `path`, links followed: nothing (also under a file), a dangling link, or stats. */
function entryAt(path: string): Stats | 'dangling' | undefined {
  let link: Stats | undefined;
  try {
    link = lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
  if (link === undefined || !link.isSymbolicLink()) return link;
  return statSync(path, { throwIfNoEntry: false }) ?? 'dangling';
}

/**
 * Makes `link` a symbolic link to `dir`, replacing a link only (see `ReportFolderOptions.latest`).
 * The new link is made under a name of its own and renamed over the old one, which is atomic:
 * unlinking, then linking, let two runs finishing together fail the second with EEXIST (its
 * report written, the run told it was not) and left a moment with no `latest` at all.
 */
function pointLink(link: string, dir: string): void {
  const existing = lstatSync(link, { throwIfNoEntry: false });
  if (existing !== undefined && !existing.isSymbolicLink()) {
    const what =
      resolve(link) === resolve(dir)
        ? 'the report’s own folder'
        : existing.isDirectory()
          ? 'a folder'
          : 'a file';
    throw Object.assign(
      new Error(
        `Expected ${link} to be the link to the newest report, found ${what}: left as it is; the report is written in ${dir}`,
      ),
      { code: 'EEXIST', path: link },
    );
  }
  const fresh = `${link}.${process.pid}-${threadId}-${randomBytes(4).toString('hex')}`;
  symlinkSync(basename(dir), fresh, 'dir');
  try {
    renameSync(fresh, link);
  } catch (error) {
    // A folder made under that name since the check (rename refuses to replace one).
    unlinkSync(fresh);
    throw error;
  }
}
