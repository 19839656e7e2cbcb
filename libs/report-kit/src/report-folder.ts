import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** An ISO time as a folder name, sortable and valid on every filesystem: `2025-02-03T04-05-06-789Z`. */
export const folderStamp = (iso: string): string => iso.replace(/[:.]/g, '-');

/** A file of a report folder: text as is, anything else as indented JSON. */
export type ReportFile = string | object;

export interface ReportFolderOptions {
  /**
   * A link beside the folder, pointing at it by its relative name (`reports/latest` →
   * `2025-…`), replaced if it exists: a page or a person finds the newest report without its
   * timestamp.
   */
  readonly latest?: string;
}

/**
 * Writes one report's files into `dir` (created with its parents): every report of the
 * repository is a folder of a JSON record, its markdown and its page. Returns `dir`.
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
  if (options.latest !== undefined) {
    const latest = join(dirname(dir), options.latest);
    rmSync(latest, { force: true, recursive: true });
    symlinkSync(basename(dir), latest, 'dir');
  }
  return dir;
}
