import { countsSince, describePoolRunner, eventually } from '@concurrency-lab/thread-pool/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CounterManager } from '@concurrency-lab/cluster-runtime';
import { timersSetBy } from '@concurrency-lab/launcher/testing';
import { RUNNER_CLOSE_TIMEOUT_MS } from '@concurrency-lab/service-kit';
import { ManagerServer } from '../src/manager-server';
import { ProcessPoolRunner, type ProcessPoolRunnerOptions } from '../src/process-pool-runner';
import { poolShares } from '../src/runtime';

/** The real tasks, plus what the pool-runner suite asks of a task module (see the fixture). */
const FAULT_TASKS = join(__dirname, 'fixtures', 'fault-tasks.js');
/** One process on the fault tasks, a queue of four. */
const ONE_PROCESS = { filename: FAULT_TASKS, workers: 1, maxQueue: 4 };
/** The real tasks alone, as built. */
const BUILT_TASKS = join(__dirname, '..', 'dist', 'pool-tasks.js');

/** Started and warmed up: every process has loaded the task module before the test's tasks. */
async function startRunner(settings: ProcessPoolRunnerOptions): Promise<ProcessPoolRunner> {
  const runner = new ProcessPoolRunner(settings);
  await runner.warmUp();
  return runner;
}

// The suite every pool-backed WorkRunner passes (ThreadPoolRunner runs it on threads), on real
// child processes of a ProcessPoolExecutor.
describePoolRunner('ProcessPoolRunner', {
  worker: 'process',
  model: 'procpool',
  // Where the fixture looks, by its parent's pid (see the fixture for why).
  marks: join(tmpdir(), `procpool-marks-${process.pid}`),
  start: (settings) => startRunner({ filename: FAULT_TASKS, ...settings }),
});

/**
 * A one-process runner beside a counter manager served on its Unix socket, for `test`; both
 * closed after it, whatever it did.
 */
async function withManagedRunner(
  test: (wiring: {
    runner: ProcessPoolRunner;
    manager: CounterManager;
    server: ManagerServer;
  }) => Promise<void>,
): Promise<void> {
  const runner = await startRunner(ONE_PROCESS);
  const manager = new CounterManager(() => []);
  const server = new ManagerServer(manager);
  await server.listen();
  try {
    await test({ runner, manager, server });
  } finally {
    await Promise.all([runner.close(), server.close()]);
  }
}

describe('ProcessPoolRunner: what only a process pool does', () => {
  it('has every process load the task module as it starts, a replacement too', async () => {
    const loaded = join(tmpdir(), `procpool-loaded-${process.pid}`);
    mkdirSync(loaded, { recursive: true });
    const pids = () => readdirSync(loaded).length;
    const runner = new ProcessPoolRunner({ filename: FAULT_TASKS, workers: 2, maxQueue: 4 });
    try {
      // No task yet: only a load at each process's start can have left these.
      expect(await eventually(() => pids() === 2)).toBe(true);
      // fib(39) kills its process; the replacement loads the module before any task of its own.
      await expect(
        runner.run({ kind: 'fib', n: 39 }, { signal: new AbortController().signal }),
      ).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
      expect(await eventually(() => pids() === 3)).toBe(true);
    } finally {
      await runner.close();
      rmSync(loaded, { recursive: true, force: true });
    }
  });

  it('counts only the tasks it was given as completed: the warm-up runs none', async () => {
    const runner = await startRunner({ filename: FAULT_TASKS, workers: 2, maxQueue: 4 });
    try {
      // Before 2026-12-03 a fresh runner said it had completed `workers` tasks (its warm-up's).
      expect(runner.stats()).toMatchObject({ completed: 0, failed: 0, size: 2 });
      // The control: a task given is counted.
      await runner.run({ kind: 'fib', n: 10 }, { signal: new AbortController().signal });
      expect(runner.stats()).toMatchObject({ completed: 1 });
    } finally {
      await runner.close();
    }
  });

  it('counts a task whose request was already gone once, as cancelled, and one refused by a closed runner not at all', async () => {
    const runner = await startRunner(ONE_PROCESS);
    const gone = () => {
      const controller = new AbortController();
      controller.abort(new Error('client gone'));
      return controller.signal;
    };
    try {
      // The executor takes it and cancels it at once: its own count, one outcome, no failure.
      await expect(runner.run({ kind: 'fib', n: 5 }, { signal: gone() })).rejects.toThrow(
        'client gone',
      );
      expect(runner.stats()).toMatchObject({ cancelled: 1, failed: 0, completed: 0 });
      // The control: a task that ran is counted.
      await runner.run({ kind: 'fib', n: 5 }, { signal: new AbortController().signal });
      expect(runner.stats()).toMatchObject({ cancelled: 1, failed: 0, completed: 1 });
    } finally {
      await runner.close();
    }
    // Refused at submit: the executor counted nothing, so nothing of its "failed" may move to
    // "cancelled" (moved anyway, cancelled read 2 and failed -1).
    await expect(runner.run({ kind: 'fib', n: 5 }, { signal: gone() })).rejects.toThrow();
    const after = runner.stats();
    expect(after).toMatchObject({ cancelled: 1, completed: 1 });
    expect(after.failed).toBeGreaterThanOrEqual(0);
  });

  it("answers a share the counter's manager refuses at its bound 503 ERR_OVERLOADED, not a crash", async () => {
    const runner = await startRunner(ONE_PROCESS);
    const server = new ManagerServer(new CounterManager(() => []), { maxConnections: 0 });
    await server.listen();
    try {
      await expect(
        runner.counterShare({
          address: server.address,
          authkey: server.authkey,
          times: 5,
          safe: true,
        }),
      ).rejects.toMatchObject({ code: 'ERR_OVERLOADED', status: 503, retryAfterSeconds: 1 });
      expect(runner.stats()).toMatchObject({ crashed: 0, replaced: 0 });
    } finally {
      await Promise.all([runner.close(), server.close()]);
    }
  });

  // The service's own wiring (runtime.ts) on real processes. Before, the share that got in first
  // added its half while its sibling was refused: 503, which invites a retry, with half counted.
  it('fails an increment whose share the manager refuses at its bound 503, having counted nothing', async () => {
    // The built task module (dist/pool-tasks.js, as the service loads it), and no fault of its.
    const runner = await startRunner({ filename: BUILT_TASKS, workers: 2, maxQueue: 4 });
    const manager: CounterManager = new CounterManager(poolShares(runner, () => server));
    const server: ManagerServer = new ManagerServer(manager, { maxConnections: 1 });
    await server.listen();
    try {
      await expect(manager.increment({ times: 200_000, safe: true })).rejects.toMatchObject({
        code: 'ERR_OVERLOADED',
        status: 503,
      });
      expect(manager.value).toBe(0);
      expect(runner.stats()).toMatchObject({ crashed: 0, replaced: 0 });
      // The control: within the bound, the same wiring counts every increment.
      const within: CounterManager = new CounterManager(poolShares(runner, () => roomy));
      const roomy: ManagerServer = new ManagerServer(within, { maxConnections: 2 });
      await roomy.listen();
      try {
        await expect(within.increment({ times: 200_000, safe: true })).resolves.toMatchObject({
          expected: 200_000,
          actual: 200_000,
        });
      } finally {
        await roomy.close();
      }
    } finally {
      await Promise.all([runner.close(), server.close()]);
    }
  });

  it("answers a share whose connect finds the manager's listen queue full 503 ERR_OVERLOADED, and one that finds nothing listening 500 ERR_INTERNAL: neither is a crash", async () => {
    const runner = await startRunner(ONE_PROCESS);
    const dir = mkdtempSync(join(tmpdir(), 'procpool-backlog-'));
    const address = join(dir, 'manager.sock');
    // A listener that never accepts: its process blocks for good once listening, so the kernel's
    // queue of its socket (backlog 1: Node reads 0 as unset, 511) fills after a few connects and
    // stays full — what a connection flood does to the manager's while its loop is behind — and
    // a connect to it fails EAGAIN.
    const listener = spawn(
      process.execPath,
      [
        '-e',
        `require('node:net').createServer().listen({ path: process.argv[1], backlog: 1 }, () => {
           process.stdout.write('up', () =>
             Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0));
         });`,
        address,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const held: Socket[] = [];
    const share = () => runner.counterShare({ address, authkey: 'unused', times: 5, safe: true });
    try {
      await once(listener.stdout, 'data');
      // Fill the queue from here until the kernel refuses one: then the share's connect is
      // refused too (nothing ever accepts), its tries again included.
      for (let full = false; !full;) {
        if (held.length > 16) throw new Error('the listen queue never filled');
        const socket = connect(address);
        held.push(socket);
        const outcome = await new Promise<string | undefined>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          // Kept: one connected now may see its peer killed later.
          socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
        });
        if (outcome === 'EAGAIN') full = true;
        else expect(outcome).toBe('connected');
      }
      await expect(share()).rejects.toMatchObject({
        code: 'ERR_OVERLOADED',
        status: 503,
        retryAfterSeconds: 1,
        shedReason: 'manager_busy',
      });
      // Its process killed, the socket's file stays with nobody listening: ECONNREFUSED.
      listener.kill('SIGKILL');
      await once(listener, 'exit');
      await expect(share()).rejects.toMatchObject({ code: 'ERR_INTERNAL', status: 500 });
      // The socket's directory gone: ENOENT.
      rmSync(dir, { recursive: true, force: true });
      await expect(share()).rejects.toMatchObject({ code: 'ERR_INTERNAL', status: 500 });
      expect(runner.stats()).toMatchObject({ crashed: 0, replaced: 0, failed: 3 });
    } finally {
      for (const socket of held) socket.destroy();
      if (listener.exitCode === null && listener.signalCode === null) {
        listener.kill('SIGKILL');
        await once(listener, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
      await runner.close();
    }
  });

  it('stops a running counter share at the manager when its request is cancelled: its process is kept (control: killed without)', async () => {
    await withManagedRunner(async ({ runner, manager, server }) => {
      for (const stopAtManager of [true, false]) {
        const since = countsSince(runner);
        const from = manager.value;
        const token = `share-${String(stopAtManager)}`;
        const controller = new AbortController();
        // A thousand round trips to the manager in this process: cancelled in the turn of the
        // event loop that served its first add (checked after every I/O phase), mid-way.
        const share = runner.counterShare(
          { address: server.address, authkey: server.authkey, times: 1_000_000, safe: true, token },
          controller.signal,
          stopAtManager ? () => server.cut(token) : undefined,
        );
        for (let turns = 0; manager.value === from; turns++) {
          if (turns > 1_000_000) throw new Error('no add of the share reached the manager');
          await new Promise((resolve) => setImmediate(resolve));
        }
        const reason = new Error('deadline');
        controller.abort(reason);
        await expect(share).rejects.toBe(reason);
        expect(manager.value - from).toBeLessThan(1_000_000);
        if (stopAtManager) {
          // Settled once the share had ended: nothing of it lands later; its process serves on.
          const at = manager.value;
          await expect(
            runner.run({ kind: 'fib', n: 10 }, { signal: new AbortController().signal }),
          ).resolves.toMatchObject({ result: 55 });
          expect(manager.value).toBe(at);
          expect(since()).toMatchObject({ replaced: 0, cancelled: 1, failed: 0 });
        } else {
          expect(await eventually(() => since().replaced === 1)).toBe(true);
        }
      }
    });
  });

  // CounterManager ends a request's turn when its shares' promises settle: one settled while its
  // share still ran would let that share add to the next request's before/after.
  it('settles a cancelled counter share only once it has really ended, not when asked to stop', async () => {
    await withManagedRunner(async ({ runner, manager, server }) => {
      const controller = new AbortController();
      const reason = new Error('deadline');
      let asked = 0;
      // A stop that stops nothing: the share runs on to its end (or its stop grace's kill).
      const share = runner
        .counterShare(
          { address: server.address, authkey: server.authkey, times: 100_000, safe: true },
          controller.signal,
          () => asked++,
        )
        .then(
          (value) => value,
          (error: unknown) => error,
        );
      for (let turns = 0; manager.value === 0; turns++) {
        if (turns > 1_000_000) throw new Error('no add of the share reached the manager');
        await new Promise((resolve) => setImmediate(resolve));
      }
      controller.abort(reason);
      // All of it (it ended within its grace), or the cancel (killed once the grace ran out).
      expect([100_000, reason]).toContain(await share);
      const at = manager.value;
      expect(asked).toBe(1);
      // The one process runs this only once the share has left it: nothing of it lands later.
      await expect(
        runner.run({ kind: 'fib', n: 10 }, { signal: new AbortController().signal }),
      ).resolves.toMatchObject({ result: 55 });
      expect(manager.value).toBe(at);
    });
  });

  it('close() leaves no timer behind once it has settled: nothing holds the process for closeTimeoutMs', async () => {
    const runner = await startRunner({ ...ONE_PROCESS, closeTimeoutMs: 60_000 });
    // The close's kill bound, followed from the call (other timers of the file do not count).
    using closing = timersSetBy(() => runner.close(), { ms: 60_000 });
    await closing.result;
    expect(await closing.pending()).toBe(0);
  });

  // The shared suite's control closes a 30 s runner on fib(36), which ends within the default
  // (RUNNER_CLOSE_TIMEOUT_MS, 1 s) too: a close bounded by the default passed it.
  it('close() lets a running task go on for closeTimeoutMs, past the default, before it kills', async () => {
    const runner = await startRunner({ ...ONE_PROCESS, closeTimeoutMs: 60_000 });
    // fib(43): seconds of CPU, well past the default bound.
    const running = runner.run({ kind: 'fib', n: 43 }, { signal: new AbortController().signal });
    expect(await eventually(() => runner.stats().running === 1)).toBe(true);
    await runner.close();
    const outcome = await running;
    expect(outcome.result).toBe(433494437);
    expect(outcome.workMs).toBeGreaterThan(RUNNER_CLOSE_TIMEOUT_MS); // the premise held
    expect(runner.stats()).toMatchObject({ completed: 1, failed: 0, size: 0 });
  }, 60_000);
});
