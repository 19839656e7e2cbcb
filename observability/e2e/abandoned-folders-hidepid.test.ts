/**
 * Which leftover Prometheus folders a start removes where /proc is mounted with
 * `hidepid=noaccess`: another user's process there has a /proc entry whose files cannot be read.
 * An unreadable entry proves nothing about its process, so its folder stays. Run for real: a
 * mount namespace of its own with such a /proc, and a caller of another user (nobody) in it.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempFolder } from '@concurrency-lab/launcher/testing';
import { ownedPrefix, thisProcess } from '../src/abandoned-folders';
import { goneOwner } from '../test/support/gone-owner';

const DIST = join(__dirname, '..', 'dist', 'src', 'abandoned-folders.js');
const NOBODY = 65534;
const run = promisify(execFile);

/** The command that runs `argv` as nobody under a /proc mounted with `hidepid=noaccess`. */
const hidepid = (argv: string[]) => [
  'unshare',
  '-m',
  '--propagation',
  'private',
  'sh',
  '-c',
  'mount -t proc -o hidepid=noaccess proc /proc && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"',
  'sh',
  ...argv,
];

/** Whether this machine lets the test build that: root, with the right to mount. */
async function canRun(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root: no mount namespace of its own';
  const [command = '', ...args] = hidepid(['true']);
  return run(command, args).then(
    () => undefined,
    (error: Error) => `no mount namespace with hidepid here: ${error.message}`,
  );
}

// What the caller reports: what it sees of the live owner's /proc entry, and what it removed.
const CALLER = `
const { existsSync, readFileSync, statSync } = require('node:fs');
const { removeAbandonedFolders } = require(process.env.DIST);
const pid = process.env.LIVE_PID;
let stat = 'readable';
try { readFileSync('/proc/' + pid + '/stat'); } catch (error) { stat = error.code; }
// stat() sees the entry; access() (existsSync) is refused under hidepid=noaccess.
const entry = { stat: statSync('/proc/' + pid).isDirectory(), exists: existsSync('/proc/' + pid) };
console.log(JSON.stringify({ stat, entry, removed: removeAbandonedFolders(process.env.PARENT) }));
`;

describe('removeAbandonedFolders under hidepid=noaccess', () => {
  const root = tempFolder('abandoned-folders-hidepid-');

  it("keeps a folder whose owner's /proc entry is there but unreadable; removes a gone owner's (the control)", async () => {
    const why = await canRun();
    if (why !== undefined) {
      process.stderr.write(`skipping: ${why}\n`);
      return;
    }
    const me = thisProcess();
    if (me === undefined) throw new Error('no /proc to record an owner from');
    chmodSync(root, 0o711); // made 0700: nobody could not reach the parent in it
    const parent = mkdtempSync(join(root, 'parent-'));
    // This (root's) process, alive: hidden from nobody. Both folders are nobody's, as its own.
    const hidden = mkdtempSync(join(parent, ownedPrefix(me)));
    const gone = mkdtempSync(join(parent, ownedPrefix(await goneOwner(me))));
    for (const path of [parent, hidden, gone]) chownSync(path, NOBODY, NOBODY);

    const [command = '', ...args] = hidepid([process.execPath, '-e', CALLER]);
    const { stdout } = await run(command, args, {
      env: { ...process.env, DIST, PARENT: parent, LIVE_PID: String(process.pid) },
    });
    expect(JSON.parse(stdout)).toEqual({
      stat: 'EPERM',
      entry: { stat: true, exists: false },
      removed: [gone],
    });
    expect([existsSync(hidden), existsSync(gone)]).toEqual([true, false]);
  }, 30_000);
});
