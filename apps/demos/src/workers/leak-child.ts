/**
 * The child process of the `leak` demo, where the leaking happens on purpose (so the demo's
 * own process stays clean). Each round starts a timer, a worker thread and a thread pool and
 * does a little work with each; `fixed` closes all three at the end of the round, `leaky`
 * forgets to. After every round it reports what is still open. Then it returns from its
 * script: a fixed child exits on its own; a leaky one stays alive until the parent kills it.
 */
import { ThreadPoolExecutor } from '@concurrency-lab/executors';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export type LeakSnapshot = {
  round: number;
  /** process.getActiveResourcesInfo() by type, stdio and the IPC channel left out. */
  resources: Record<string, number>;
  /** OS threads of this process (Linux: /proc/self/status), null elsewhere. */
  threads: number | null;
};

const mode = process.argv[2] === 'fixed' ? 'fixed' : 'leaky';
const rounds = Number(process.argv[3] ?? 3);

function osThreads(): number | null {
  try {
    return Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
  } catch {
    return null; // not Linux: the resource counts still tell
  }
}

const STDIO = new Set(['PipeWrap', 'TTYWrap']);

function snapshot(round: number): LeakSnapshot {
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    // The IPC channel and stdio (opened lazily, on a first warning or log) are the process's,
    // not the rounds': a round opens neither.
    if (STDIO.has(type)) continue;
    resources[type] = (resources[type] ?? 0) + 1;
  }
  return { round, resources, threads: osThreads() };
}

async function round(): Promise<void> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1000); // a heartbeat nobody stops
  const worker = new Worker('require("node:worker_threads").parentPort.on("message", () => {})', {
    eval: true,
  });
  await new Promise((resolve) => worker.once('online', resolve));
  const pool = new ThreadPoolExecutor({ filename: join(__dirname, 'cpu-tasks.js'), maxWorkers: 1 });
  await pool.submit(10, { name: 'fib' }).result();
  if (mode === 'fixed') {
    clearInterval(timer);
    await worker.terminate();
    await pool.shutdown();
  }
}

async function main(): Promise<void> {
  // The baseline is taken once the IPC channel is up: it is the one handle every round shares.
  process.send?.(snapshot(0));
  for (let r = 1; r <= rounds; r++) {
    await round();
    process.send?.(snapshot(r));
  }
  // Once 'done' is sent, the channel to the parent must not keep us alive: only what the
  // rounds left open may.
  process.send?.('done', () => process.channel?.unref());
}

main().catch((error: unknown) => {
  process.send?.({ failed: String(error) });
  process.exitCode = 1;
});

// If the demo dies (Ctrl-C, a crash), its channel closes: leave with it, never as an orphan.
process.on('disconnect', () => process.exit(1));
