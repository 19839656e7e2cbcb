/**
 * The child process of the `libuv-pool` demo (UV_THREADPOOL_SIZE is read once, when the pool
 * first starts, so each size needs its own process). It starts `reads` fs reads of named pipes
 * nobody writes yet — a stand-in for a slow disk or network file system: each read holds a pool
 * thread while it waits. Then it counts the pipes whose reader is already waiting (those reads
 * got a thread; the rest are queued behind them), releases them all and checks every read ends.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { removeTempDir, removeTempDirs, tempDir } from '../temp-dir';

export type PoolChildReport = {
  poolSize: string | null;
  reads: number;
  /** Reads that held a pool thread at the count (their pipe had a reader waiting). */
  inFlight: number;
  /** Which of the reads, by start order. */
  inFlightIndexes: number[];
  completed: number;
  /** ms from the release of the pipes until the last read ended. */
  drainMs: number;
};

const reads = Number(process.argv[2] ?? 8);
const settleMs = Number(process.argv[3] ?? 200);

/** Opens the pipe for writing if a reader has it open; null (ENXIO) if none does yet. */
function openIfReader(path: string): number | null {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') return null;
    throw error;
  }
}

function release(fd: number, i: number): void {
  writeSync(fd, `pipe ${i}`);
  closeSync(fd);
}

async function main(): Promise<PoolChildReport> {
  // Removed on any exit, Ctrl-C and SIGTERM too (`tempDir`), and by the 'disconnect' below.
  const dir = tempDir('demo-libuv-');
  try {
    const pipes = Array.from({ length: reads }, (_, i) => join(dir, `slow-${i}`));
    execFileSync('mkfifo', pipes);
    const pending = pipes.map((pipe) => readFile(pipe, 'utf8'));
    await sleep(settleMs); // time for the pool threads to take what they can
    // Count from the last read to the first: releasing a reader frees its thread for a queued
    // read, which must not be counted as in flight — and the queued ones are the later ones.
    const writers = new Map<number, number>();
    for (let i = reads - 1; i >= 0; i--) {
      const fd = openIfReader(pipes[i] as string);
      if (fd !== null) writers.set(i, fd);
    }
    const inFlightIndexes = [...writers.keys()].sort((a, b) => a - b);
    const released = performance.now();
    for (const [i, fd] of writers) release(fd, i);
    // The queued reads reach their pipes as threads free up: release each when it does.
    const waiting = new Set(pipes.keys());
    for (const i of inFlightIndexes) waiting.delete(i);
    while (waiting.size > 0) {
      for (const i of [...waiting]) {
        const fd = openIfReader(pipes[i] as string);
        if (fd !== null) {
          release(fd, i);
          waiting.delete(i);
        }
      }
      await sleep(5);
    }
    const contents = await Promise.all(pending);
    return {
      poolSize: process.env['UV_THREADPOOL_SIZE'] ?? null,
      reads,
      inFlight: inFlightIndexes.length,
      inFlightIndexes,
      completed: contents.filter((c, i) => c === `pipe ${i}`).length,
      drainMs: performance.now() - released,
    };
  } finally {
    removeTempDir(dir);
  }
}

// Once the last message is out, the channel must not keep this process alive (the
// 'disconnect' listener below would otherwise hold it open).
const done = () => process.channel?.unref();
main().then(
  (report) => process.send?.(report, done),
  (error: unknown) => process.send?.({ failed: String(error) }, done),
);

// If the demo dies (Ctrl-C, a crash, a SIGKILL), its channel closes: leave with it, never as an
// orphan. Not by process.exit: it waits for the pool's threads, and those blocked opening a pipe
// nobody will write wait forever. A SIGKILL ends them with the process; the pipes go first.
process.on('disconnect', () => {
  removeTempDirs();
  process.kill(process.pid, 'SIGKILL');
});
