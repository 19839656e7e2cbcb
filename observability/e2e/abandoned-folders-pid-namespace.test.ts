/**
 * A process in a pid namespace of its own that still sees the /proc of the one outside (a
 * container given the host's /proc) must record no owner in its folder's name: /proc numbers it
 * otherwise, so its pid and start time there would name another process (pid 1's, say), whose
 * life then decided the folder's. Run for real: `unshare` (a user namespace, so no root needed).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FOLDER_PREFIX } from '../src/abandoned-folders';

const DIST = join(__dirname, '..', 'dist', 'src', 'abandoned-folders.js');
const run = promisify(execFile);

/** The prefix `ownedPrefix()` gives in a new pid namespace, with a /proc of its own or not. */
async function prefixInNewPidNamespace(ownProc: boolean): Promise<string> {
  const mount = ownProc ? ['-m', '--mount-proc'] : [];
  const script = `console.log(require(${JSON.stringify(DIST)}).ownedPrefix())`;
  const args = ['-U', '-r', ...mount, '-p', '-f', '--kill-child', process.execPath, '-e', script];
  const { stdout } = await run('unshare', args);
  return stdout.trim();
}

/** Why not, when this machine gives no user and pid namespaces to an unshare. */
const unavailable = run('unshare', ['-U', '-r', '-p', '-f', 'true']).then(
  () => undefined,
  (error: Error) => error.message,
);

describe('ownedPrefix in a pid namespace of its own', () => {
  it("records no owner when /proc is the outer namespace's", async () => {
    const why = await unavailable;
    if (why !== undefined) {
      process.stderr.write(`skipping: no user and pid namespaces here: ${why}\n`);
      return;
    }
    // The control: with a /proc of its own, it records itself, pid 1 of its namespace.
    expect(await prefixInNewPidNamespace(true)).toMatch(
      new RegExp(`^${FOLDER_PREFIX}1-\\d+-\\d+-[0-9a-f]{32}-$`),
    );
    expect(await prefixInNewPidNamespace(false)).toBe(FOLDER_PREFIX);
  }, 30_000);
});
