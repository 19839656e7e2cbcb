import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
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
 * Writes one report's files into `dir` (created with its parents): every report of the
 * repository is a folder of a JSON record, its markdown and its page. Returns `dir`. The files
 * are written before `latest` is looked at, so a name `latest` cannot take never costs a report.
 */
export function writeReportFolder(
  dir: string,
  files: Readonly<Record<string, ReportFile>>,
  options: ReportFolderOptions = {},
): string {
  mkdirSync(dir, { recursive: true });
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
