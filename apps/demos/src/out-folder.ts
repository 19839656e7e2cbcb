import { checkFolderCanBeMade, type FolderError } from '@concurrency-lab/report-kit';
import { resolve } from 'node:path';
import { UsageError } from './errors';

/**
 * Checks, before `--all` runs anything, that the lessons report can be written under `root`:
 * report-kit's `checkFolderCanBeMade`, which really makes and removes a folder there (not
 * access(W_OK): that passes for root on /proc and /sys, where the report's writer then fails),
 * leaving nothing behind. `given` is `--out` as typed, for the message.
 * @throws UsageError (`ERR_DEMO_USAGE`) naming the path at fault: a file, a link to nothing, or
 *   a folder no folder can be made in
 */
export function checkOutFolder(root: string, given: string): void {
  try {
    checkFolderCanBeMade(root);
  } catch (error) {
    const { code, path, danglingLink = false } = error as Partial<FolderError>;
    if (code === undefined || path === undefined) throw error;
    const isOut = path === resolve(root);
    throw new UsageError(refusal(code, path, danglingLink, isOut, given), { cause: error });
  }
}

/** What `--out` is refused with, `path` being the one at fault (`--out` itself, or above it). */
function refusal(
  code: string,
  path: string,
  danglingLink: boolean,
  isOut: boolean,
  given: string,
): string {
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    const what = danglingLink ? 'a link to nothing' : 'a file';
    const expected = `Expected \`--out\` to be a folder, got \`${given}\``;
    return isOut ? `${expected}: ${what}` : `${expected}: \`${path}\` is ${what}`;
  }
  return `Expected \`--out\` to be a folder this user can write in, got \`${given}\` (\`${path}\` is not writable: ${code})`;
}
