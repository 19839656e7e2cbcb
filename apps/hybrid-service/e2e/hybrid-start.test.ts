import { appEntry, logRecords } from '@concurrency-lab/launcher';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Preloaded into the primary and so into its processes: their pool threads fail to boot. */
const THREAD_BOOT = join(__dirname, 'fixtures', 'thread-boot.cjs');

interface LogLine {
  msg: string;
  code?: number | null;
}

/**
 * hybrid-service's primary started as a bare child process — not `launch`, which waits for
 * `listening`: these tests read what happens instead of it. `output` is all the primary and its
 * worker processes printed (they share its stdout and stderr).
 */
function spawnHybrid(env: Record<string, string>, nodeArgs: readonly string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, appEntry('hybrid-service')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    exited,
    output: () => output,
    logs: () => logRecords(output) as unknown as LogLine[],
    /** Nothing outlives the test: SIGTERM (the workers drain), then SIGKILL 10 s on. */
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(late);
    },
  };
}

/** Resolves with `what`'s first answer, asked every 50 ms; rejects, naming it, after `ms`. */
async function until<T>(what: string, probe: () => T | undefined, ms: number): Promise<T> {
  for (let waited = 0; waited <= ms; waited += 50) {
    const found = probe();
    if (found !== undefined) return found;
    await sleep(50);
  }
  throw new Error(`no ${what} within ${ms} ms`);
}

describe('hybrid-service: a start it refuses', () => {
  // Each value alone is valid: only the product is refused. Checked by the primary before it
  // forks: else every worker process would refuse it in turn and be respawned, for ever.
  it.each([
    ['200', '2'],
    ['129', '2'],
  ])(
    'refuses HYBRID_THREADS=%s × WORKERS=%s before it forks anything: exit 2, both named',
    async (threads, workers) => {
      const model = spawnHybrid({ HYBRID_THREADS: threads, WORKERS: workers });
      try {
        const outcome = await Promise.race([
          model.exited,
          sleep(15_000, 'still running', { ref: false }),
        ]);
        expect({ outcome, output: model.output() }).toMatchObject({ outcome: [2, null] });
        expect(model.output()).toContain(`HYBRID_THREADS=${threads} × WORKERS=${workers}`);
        expect(model.logs().map((l) => l.msg)).not.toContain('forked');
      } finally {
        await model.stop();
      }
    },
    30_000,
  );

  // A worker process whose pool cannot start exits 1: the primary sees a crash and respawns it
  // (its crash budget decides when to give up). A process that stayed, listening on nothing and
  // never ready, would hold the model's start for ever.
  it('ends a worker process whose pool threads cannot boot (exit 1), which the primary respawns', async () => {
    const model = spawnHybrid({ WORKERS: '1', HYBRID_THREADS: '1', LAB_TEST_THREAD_BOOT: 'fail' }, [
      '--require',
      THREAD_BOOT,
    ]);
    try {
      const crashed = await until(
        "a worker's crash",
        () => model.logs().find((l) => l.msg === 'worker crashed; respawning'),
        15_000,
      );
      expect(crashed).toMatchObject({ code: 1 });
      expect(model.output()).toContain('hybrid worker failed to start');
    } finally {
      await model.stop();
    }
  }, 40_000);
});
