import { mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors';

/**
 * Checks, before `--all` runs anything, that the lessons report can be written under `root`:
 * it is a folder this process can create a folder in, or it does not exist yet and the nearest
 * folder above it that does is one (the report's writer creates the rest). `given` is `--out`
 * as typed, for the message.
 * @throws UsageError (`ERR_DEMO_USAGE`) naming the path at fault: a file, or not writable
 */
export function checkOutFolder(root: string, given: string): void {
  for (let path = resolve(root); ; path = dirname(path)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Not there yet (or under a file, found as the loop goes up): the writer would create it.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(path) !== path) continue;
      throw new UsageError(
        `Expected \`--out\` to be a folder, got \`${given}\` (${code ?? 'error'})`,
      );
    }
    if (!isDirectory) {
      throw new UsageError(
        path === resolve(root)
          ? `Expected \`--out\` to be a folder, got \`${given}\`: a file`
          : `Expected \`--out\` to be a folder, got \`${given}\`: \`${path}\` is a file`,
      );
    }
    // A folder really made (and removed) there, not access(W_OK): that passes for root on /proc
    // and /sys, where the writer's recursive mkdir then fails (/sys) or never returns (/proc).
    try {
      rmdirSync(mkdtempSync(join(path, '.lessons-probe-')));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(
        `Expected \`--out\` to be a folder this user can write in, got \`${given}\` (\`${path}\` is not writable: ${code})`,
      );
    }
    return;
  }
}
