/**
 * Temp folders a demo (or a demo's child process) works in, removed however the process ends:
 * by `removeTempDir` once done, on exit, and on Ctrl-C (SIGINT) or SIGTERM — which no handler
 * otherwise catches, so the process would die at once and leave the folder behind. After the
 * removal the signal is raised again with Node's handlers gone: the process ends by it, as it
 * would have without the folders (a shell reports 130 for SIGINT, 143 for SIGTERM).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function removeAll(): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

function listen(on: boolean): void {
  for (const signal of SIGNALS) {
    if (on) process.on(signal, onSignal);
    else process.off(signal, onSignal);
  }
  if (on) process.on('exit', removeAll);
  else process.off('exit', removeAll);
}

function onSignal(signal: NodeJS.Signals): void {
  removeTempDirs();
  process.kill(process.pid, signal); // no handler left: the default, which ends the process
}

/** A new empty folder `<os temp>/<prefix>XXXXXX`, removed on exit or signal if not before. */
export function tempDir(prefix: string): string {
  // Listening first: a signal between the mkdtemp and the listening would leave the folder.
  // One just after is handled on the loop's next turn, by when the folder is in `dirs`.
  if (dirs.size === 0) listen(true);
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), prefix));
  } catch (error) {
    if (dirs.size === 0) listen(false);
    throw error;
  }
  dirs.add(dir);
  return dir;
}

/** Removes `dir` and all it holds; the signal handlers go with the last such folder. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  if (dirs.delete(dir) && dirs.size === 0) listen(false);
}

/** Removes every folder `tempDir` made and not yet removed: before a process ends abruptly. */
export function removeTempDirs(): void {
  removeAll();
  listen(false);
}
