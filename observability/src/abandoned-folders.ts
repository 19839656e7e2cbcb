import { isRunningState, readStat } from '@concurrency-lab/procfs';
import { lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every folder `startPrometheus` makes (config and TSDB) is named with this prefix. A caller
 * killed outright (SIGKILL, the OOM killer) runs no exit hook and leaves its folder behind, so
 * the name also records who owns it, and a later start removes those whose owner is gone.
 */
export const FOLDER_PREFIX = 'concurrency-lab-prometheus-';

/**
 * Who owns a folder, as its name records it. A pid alone is not enough: pids are reused, and a
 * new process on the same pid would keep a dead caller's folder (or, read the other way, lose a
 * live one's). The pid and its start time (clock ticks since boot, /proc/<pid>/stat) name one
 * process of one boot; the boot and the pid namespace say where those numbers mean anything.
 */
export interface FolderOwner {
  readonly pid: number;
  /** starttime, field 22 of /proc/<pid>/stat (procfs's `readStat`). */
  readonly startTicks: number;
  /** The inode of /proc/self/ns/pid: pids of another namespace are not ours to look up. */
  readonly pidNamespace: string;
  /** /proc/sys/kernel/random/boot_id without its dashes: a start time counts from that boot. */
  readonly bootId: string;
}

/** Where the pid and start times of /proc mean something: this boot, this pid namespace. */
interface Here {
  readonly pidNamespace: string;
  readonly bootId: string;
}

// <pid>-<start ticks>-<pid namespace>-<boot id>- then the 6 characters mkdtemp adds.
const OWNED = /^concurrency-lab-prometheus-(\d+)-(\d+)-(\d+)-([0-9a-f]{32})-[A-Za-z0-9]{6}$/;

/**
 * The prefix of a new folder for this process: the bare prefix where there is no /proc to
 * record an owner from (such a folder is never removed by anyone but its maker).
 */
export function ownedPrefix(owner: FolderOwner | undefined = thisProcess()): string {
  if (owner === undefined) return FOLDER_PREFIX;
  const { pid, startTicks, pidNamespace, bootId } = owner;
  return `${FOLDER_PREFIX}${pid}-${startTicks}-${pidNamespace}-${bootId}-`;
}

/**
 * The owner a folder's name records; undefined for a name without one (a bare-prefix folder,
 * made where there was no /proc or by an older version, or something else that looks alike).
 */
export function ownerOf(name: string): FolderOwner | undefined {
  const match = OWNED.exec(name);
  if (match === null) return undefined;
  const [, pid = '', startTicks = '', pidNamespace = '', bootId = ''] = match;
  return { pid: Number(pid), startTicks: Number(startTicks), pidNamespace, bootId };
}

/** This process as the owner of a folder; undefined without a /proc that speaks of it. */
export function thisProcess(): FolderOwner | undefined {
  const here = whereWeAre();
  const stat = readStat(process.pid);
  if (here === undefined || stat === undefined) return undefined;
  return { pid: process.pid, startTicks: stat.startTicks, ...here };
}

/**
 * Removes the folders in `parent` (tmpdir) whose owner is provably gone, and returns them. Kept:
 * a folder whose owner runs, or may run (a pid of another namespace), or that records no owner;
 * one that is not a folder of this user (another user's, a symlink: neither is looked into).
 * One that vanishes meanwhile (its owner's stop(), another start cleaning too) is no error, nor
 * is one that cannot be removed: this is housekeeping, never a reason for a start to fail.
 */
export function removeAbandonedFolders(parent: string = tmpdir()): string[] {
  const here = whereWeAre();
  if (here === undefined) return []; // no /proc: no owner can be proved gone
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    const owner = ownerOf(name);
    if (owner === undefined || !isGone(owner, here)) continue;
    const path = join(parent, name);
    try {
      const stats = lstatSync(path);
      if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Vanished meanwhile, or not ours to remove after all: left as it is.
    }
  }
  return removed;
}

/**
 * True only when `owner` can no longer use its folder: it ran in an earlier boot, or its pid is
 * free, or taken by a later process (another start time), or it has exited (a zombie).
 */
function isGone(owner: FolderOwner, here: Here): boolean {
  if (owner.bootId !== here.bootId) return true;
  if (owner.pidNamespace !== here.pidNamespace) return false;
  const stat = readStat(owner.pid);
  // No stat: the pid is free — or its /proc entry is there but unreadable, which proves nothing.
  if (stat === undefined) return !procEntryThere(owner.pid);
  return stat.startTicks !== owner.startTicks || !isRunningState(stat.state);
}

/**
 * Whether `/proc/<pid>` is there, by stat(): under `hidepid=noaccess` another user's entry is
 * listed but access() to it is refused, which `existsSync` reads as "no such entry" — a live
 * owner taken for gone, and its folder removed. Only ENOENT says the pid is free.
 */
function procEntryThere(pid: number): boolean {
  try {
    statSync(`/proc/${pid}`);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** This boot and pid namespace; undefined without a /proc (and a boot_id) to say so. */
function whereWeAre(): Here | undefined {
  try {
    // A /proc of another pid namespace (mounted from outside) numbers us otherwise.
    if (readlinkSync('/proc/self') !== String(process.pid)) return undefined;
    const pidNamespace = /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const hex = bootId.replace(/-/g, '');
    if (pidNamespace === undefined || !/^[0-9a-f]{32}$/.test(hex)) return undefined;
    return { pidNamespace, bootId: hex };
  } catch {
    return undefined;
  }
}
