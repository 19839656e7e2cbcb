import { logRecords } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import { isAlive } from '@concurrency-lab/procfs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { launchPerTest, outcomeOf } from './support/primary-tests';

/** `promise`'s outcome, or 'pending' if it has not settled within `ms`: a start that hangs. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * ClusterPrimary.start with real forked workers: it settles however the start goes — all ready,
 * a worker given up on, a shutdown first — and forks nothing once shutdown has begun.
 */
describe('ClusterPrimary start, with real forked workers', () => {
  const launch = launchPerTest();

  it('fails the start when the crash budget gives up on a worker before all are ready, though another serves', async () => {
    const p = launch({ workers: 2, respawn: { baseDelayMs: 0, budget: 1 } });
    await p.workerMode('hold');
    const start = outcomeOf(p.start());
    await p.untilForked(2);
    const [a, b] = p.forked as [number, number];
    await p.tell(a, { kind: 'say-ready' });
    // B dies before it is ready, and so does its respawn: the budget (one crash) is spent.
    await p.workerMode('fail');
    process.kill(b, 'SIGKILL');
    await p.untilForked(3);

    // Before, start() waited for two ready workers for ever while A served.
    const outcome = await within(start, 5000);
    expect(outcome).toContain('the crash budget is spent before all 2 workers were ready');
    expect(p.alive()).toEqual([a]);
    expect(p.logs).toContainEqual(
      expect.objectContaining({ msg: 'crash budget spent; not respawning' }),
    );
  });

  it('refuses to start once shutdown has begun, and forks nothing', async () => {
    const p = launch({ workers: 2 });
    await expect(p.shutdown()).resolves.toBe(true);
    // Before, it forked both workers after the shutdown that had no member to stop.
    await expect(p.start()).rejects.toThrow('shutting down: no worker is forked');
    expect(p.forked).toEqual([]);
  });

  it('fails a start still waiting for its workers when shutdown begins', async () => {
    const p = launch({ workers: 1 });
    await p.workerMode('hold');
    const start = outcomeOf(p.start());
    await p.untilForked(1);
    await expect(p.shutdown()).resolves.toBe(true);
    const outcome = await within(start, 5000);
    expect(outcome).toContain('shut down before every worker was ready');
    expect(p.alive()).toEqual([]);
  });
});

describe('runClusterPrimary', () => {
  it('on SIGTERM while its workers start, shuts down cleanly: the failed start is not a fatal error', async () => {
    const main = spawn(process.execPath, [join(__dirname, 'fixtures', 'primary-main.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The worker never says ready: SIGTERM always comes while the start waits.
      env: { ...process.env, FIXTURE_WORKER: 'hold', WORKERS: '1', PORT: '0', LOG_LEVEL: 'info' },
    });
    let stdout = '';
    main.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    main.stderr.resume();
    const exited = once(main, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      await until(() => stdout.includes('"msg":"forked"'), {
        what: 'the worker to be forked',
        detail: () => stdout,
      });
      main.kill('SIGTERM');
      const [code] = await exited;
      expect({ code, stdout }).toMatchObject({ code: 0 });
      expect(stdout).not.toContain('cluster failed to start');
      expect(stdout).toContain('"msg":"stopped"');
    } finally {
      main.kill('SIGKILL');
    }
  });

  it('on SIGTERM while it is still forking its workers, drains and exits 0 (the signal killed it before)', async () => {
    const main = spawn(process.execPath, [join(__dirname, 'fixtures', 'primary-main.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        FIXTURE_SLOW_FORKS: '1000',
        WORKERS: '2',
        PORT: '0',
        LOG_LEVEL: 'info',
      },
    });
    let stdout = '';
    main.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    main.stderr.resume();
    const exited = once(main, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      await until(() => stdout.includes('"msg":"first fork done"'), {
        what: 'the first fork',
        detail: () => stdout,
      });
      main.kill('SIGTERM'); // the primary is busy between its two forks for a second
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(stdout).toContain('"msg":"stopped"');
    } finally {
      main.kill('SIGKILL');
    }
  });

  it('logs an error nothing handled in the primary at fatal and exits 1; its workers leave', async () => {
    const main = spawn(process.execPath, [join(__dirname, 'fixtures', 'primary-main.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // SIGUSR2 makes this primary throw from a callback of its own (fixtures/primary-main.js).
      env: {
        ...process.env,
        FIXTURE_PRIMARY_FAULT: '1',
        WORKERS: '2',
        PORT: '0',
        LOG_LEVEL: 'info',
      },
    });
    let stdout = '';
    let stderr = '';
    main.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    main.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(main, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let workerPids: number[] = [];
    try {
      await until(() => stdout.includes('"msg":"listening"'), {
        what: 'the primary to listen',
        detail: () => stdout,
      });
      const records = () =>
        logRecords(stdout) as { msg?: string; level?: number; [k: string]: unknown }[];
      workerPids = (records().find((l) => l.msg === 'listening')?.['workerPids'] as number[]) ?? [];
      expect(workerPids).toHaveLength(2);
      main.kill('SIGUSR2');
      const [code] = await exited;
      expect(code).toBe(1);
      // Before, a raw stack on stderr and no log line: nothing said the model had died, nor why.
      expect(records().filter((l) => l.level === 60)).toEqual([
        expect.objectContaining({
          msg: 'uncaughtException: exiting',
          kind: 'uncaughtException',
          role: 'primary',
          err: expect.objectContaining({ code: 'ERR_FIXTURE_PRIMARY' }),
        }),
      ]);
      expect(stderr).not.toContain('a fault in the primary');
      // Their channel closed, the workers drain and leave.
      await until(() => workerPids.every((pid) => !isAlive(pid)), {
        what: 'the workers to leave',
      });
    } finally {
      main.kill('SIGKILL');
      for (const pid of workerPids.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  });
});
