import { RUNNER_CLOSE_TIMEOUT_MS } from '@concurrency-lab/service-kit';
import { WORKLOAD_ENV } from '@concurrency-lab/workloads';
import { timersSetBy, useEnv } from '@concurrency-lab/launcher/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { CLOSE_MARGIN_MS } from '../src/thread-pool-runner';
import { createPool, never } from './pool-helpers';

/** Runs a script of fixtures/ as its own process: its exit code and its JSON lines. */
async function runScript(script: string): Promise<{ code: number | null; lines: unknown[] }> {
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', script)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const [code] = (await once(child, 'close')) as [number | null];
  return {
    code,
    lines: out
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown),
  };
}

describe('ThreadPoolRunner#close() in a process of its own (nothing else keeps the loop alive)', () => {
  it('settles when a running task is cancelled just after close() began, and leaves no thread', async () => {
    // piscina's close waits for every thread it counted at the start to report its task done; a
    // thread terminated to cancel its task never does, and piscina's own timeout timer does not
    // keep the process alive. The process then ended, exit 0, with close() still pending — a
    // service's drain stopped there: no 'stopped' line, no span flush, exit 0 after a timeout.
    const { code, lines } = await runScript('close-then-abort.js');
    expect(lines).toEqual([{ task: 'cancelled' }, { close: 'closed', threads: 0 }]);
    expect(code).toBe(0);
  });
});

describe('ThreadPoolRunner#close() and its closeTimeoutMs', () => {
  // Threads read LAB_WORKLOAD from the environment they start with (this test file's).
  useEnv(WORKLOAD_ENV, join(__dirname, 'fixtures', 'sleeping-workload.cjs'));

  it('lets a task already on its thread run on for closeTimeoutMs, past the default', async () => {
    const { pool } = createPool({ workers: 1, closeTimeoutMs: 10_000 });
    await pool.ready();
    const ms = RUNNER_CLOSE_TIMEOUT_MS + 500;
    const task = pool.run({ kind: 'custom', input: ms }, { signal: never() });
    expect(pool.stats().running).toBe(1);
    const closed = pool.close();
    // Not stopped once the default timeout (1 s) passed: 503 ERR_SHUTTING_DOWN then.
    await expect(task).resolves.toMatchObject({ result: ms });
    await closed;
    expect(pool.stats()).toMatchObject({ completed: 1, failed: 0, size: 0 });
  });

  it('leaves no timer behind once it has settled: nothing holds the process for closeTimeoutMs', async () => {
    const { pool } = createPool({ workers: 1, closeTimeoutMs: 60_000 });
    await pool.ready();
    // The close's bound, closeTimeoutMs and the runner's margin, followed from the call: another
    // file's timer ending meanwhile moved the process's count. (piscina's own close timer, of
    // closeTimeoutMs, unref'd and never cleared, holds nothing.)
    using closing = timersSetBy(() => pool.close(), { ms: 60_000 + CLOSE_MARGIN_MS });
    await closing.result;
    expect(await closing.pending()).toBe(0);
  });
});
