/**
 * Which leftover Prometheus folders a start removes: only those whose owner is provably gone.
 * Real folders in a temporary parent, real processes and their real /proc entries.
 */
import { tempFolder, until } from '@concurrency-lab/launcher/testing';
import { childrenOf, readStat } from '@concurrency-lab/procfs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FOLDER_PREFIX,
  ownedPrefix,
  ownerOf,
  removeAbandonedFolders,
  thisProcess,
  type FolderOwner,
} from '../src/abandoned-folders';
import { goneOwner } from './support/gone-owner';

/** This process's record: Linux with /proc is where this runs; say so if not. */
const me: FolderOwner =
  thisProcess() ??
  (() => {
    throw new Error('no /proc to record an owner from');
  })();

/** A folder as a start by `owner` makes it, in `parent`. */
const folderOf = (parent: string, owner: FolderOwner) =>
  mkdtempSync(join(parent, ownedPrefix(owner)));

describe('removeAbandonedFolders', () => {
  const root = tempFolder('abandoned-folders-');
  let n = 0;
  const parent = () => {
    const path = join(root, String(n++));
    mkdirSync(path);
    return path;
  };

  it('records this process in the name, and reads it back', () => {
    const name = `${ownedPrefix(me)}Ab12Z9`;
    expect(name.startsWith(FOLDER_PREFIX)).toBe(true);
    expect(ownerOf(name)).toEqual(me);
    expect(ownerOf(`${FOLDER_PREFIX}Ab12Z9`)).toBeUndefined();
  });

  it("removes a gone owner's folder, keeps a live owner's (the control)", async () => {
    const where = parent();
    const gone = folderOf(where, await goneOwner(me));
    writeFileSync(join(gone, 'prometheus.yml'), 'global: {}\n');
    mkdirSync(join(gone, 'data', 'wal'), { recursive: true });
    const live = folderOf(where, me);
    expect(removeAbandonedFolders(where)).toEqual([gone]);
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('removes the folder of an owner whose pid now belongs to a later process', () => {
    const where = parent();
    // This very pid, started at another time: the process that made the folder is gone.
    const recycled = folderOf(where, { ...me, startTicks: me.startTicks + 1 });
    const live = folderOf(where, me);
    expect(removeAbandonedFolders(where)).toEqual([recycled]);
    expect(existsSync(live)).toBe(true);
  });

  it("removes the folder of an owner that has exited but is not reaped yet (a zombie), keeps its running parent's", async () => {
    const where = parent();
    // `sh` starts `sleep 0` in the background, then execs `sleep 30`, which never waits for a
    // child: the short sleep exits and stays a zombie, its pid and start time still taken, until
    // its parent ends. Its (pid, start) pair still matches; only its state says it is gone.
    const holder = spawn('sh', ['-c', 'sleep 0 & exec sleep 30'], { stdio: 'ignore' });
    const exited = once(holder, 'exit');
    try {
      const holderPid = holder.pid ?? -1;
      let zombie: FolderOwner | undefined;
      await until(
        () => {
          const pid = childrenOf(holderPid)?.[0];
          const stat = pid === undefined ? undefined : readStat(pid);
          if (pid !== undefined && stat?.state === 'Z')
            zombie = { ...me, pid, startTicks: stat.startTicks };
          return zombie !== undefined;
        },
        { what: `a zombie child of ${holderPid}` },
      );
      const holderStat = readStat(holderPid);
      if (zombie === undefined || holderStat === undefined) throw new Error('no /proc entries');
      const abandoned = folderOf(where, zombie);
      const running = folderOf(where, { ...me, pid: holderPid, startTicks: holderStat.startTicks });
      expect(removeAbandonedFolders(where)).toEqual([abandoned]);
      expect(existsSync(abandoned)).toBe(false);
      expect(existsSync(running)).toBe(true);
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
  });

  it('removes the folder of an earlier boot, even where the pid and start time match', () => {
    const where = parent();
    const earlier = folderOf(where, { ...me, bootId: '0'.repeat(32) });
    expect(removeAbandonedFolders(where)).toEqual([earlier]);
  });

  // Only root can give a folder to another user; elsewhere there is no such folder to find.
  (process.getuid?.() === 0 ? it : it.skip)(
    "keeps a gone owner's folder that another user owns",
    () => {
      const where = parent();
      const foreign = folderOf(where, { ...me, bootId: '0'.repeat(32) });
      chownSync(foreign, 65534, 65534);
      expect(removeAbandonedFolders(where)).toEqual([]);
      expect(existsSync(foreign)).toBe(true);
    },
  );

  it('keeps the folder of another pid namespace, whose pids it cannot look up', async () => {
    const where = parent();
    const other = folderOf(where, { ...(await goneOwner(me)), pidNamespace: '1' });
    expect(removeAbandonedFolders(where)).toEqual([]);
    expect(existsSync(other)).toBe(true);
  });

  it('never touches what records no owner, nor what is not a folder', async () => {
    const where = parent();
    const noOwner = mkdtempSync(join(where, FOLDER_PREFIX));
    const dead = await goneOwner(me);
    const file = `${ownedPrefix(dead)}file01`;
    writeFileSync(join(where, file), 'not a folder');
    // A symlink with a gone owner's name: neither it nor what it points at is removed.
    const target = mkdtempSync(join(root, 'target-'));
    writeFileSync(join(target, 'keep'), 'kept');
    symlinkSync(target, join(where, `${ownedPrefix(dead)}link01`));
    expect(removeAbandonedFolders(where)).toEqual([]);
    expect(existsSync(noOwner)).toBe(true);
    expect(existsSync(join(where, file))).toBe(true);
    expect(existsSync(join(target, 'keep'))).toBe(true);
  });

  it('is no error where the parent folder does not exist', () => {
    expect(removeAbandonedFolders(join(root, 'missing'))).toEqual([]);
  });
});
