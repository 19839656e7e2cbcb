import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Test-only (it needs jest): `@concurrency-lab/launcher/testing`, for the e2e tests that run the
// repository's commands as processes.

/**
 * A new empty folder in the OS temp folder, named `<prefix>` and six random characters, for
 * what a command under test writes (`--out`): it is removed, with all it holds, after the last
 * test of the describe whose body calls this (it registers an `afterAll` there).
 */
export function tempFolder(prefix: string): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(path, { recursive: true, force: true }));
  return path;
}
