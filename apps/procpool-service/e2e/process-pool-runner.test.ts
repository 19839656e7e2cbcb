import { countsSince, describePoolRunner, eventually } from '@concurrency-lab/thread-pool/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CounterManager } from '@concurrency-lab/cluster-runtime';
import { ManagerServer } from '../src/manager-server';
import { ProcessPoolRunner, type ProcessPoolRunnerOptions } from '../src/process-pool-runner';
import { poolShares } from '../src/runtime';

/** The real tasks, plus what the pool-runner suite asks of a task module (see the fixture). */
const FAULT_TASKS = join(__dirname, 'fixtures', 'fault-tasks.js');
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
    const runner = await startRunner({ filename: FAULT_TASKS, workers: 1, maxQueue: 4 });
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
    const runner = await startRunner({ filename: FAULT_TASKS, workers: 1, maxQueue: 4 });
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
    const runner = await startRunner({ filename: FAULT_TASKS, workers: 1, maxQueue: 4 });
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
    const runner = await startRunner({ filename: FAULT_TASKS, workers: 1, maxQueue: 4 });
    const manager = new CounterManager(() => []);
    const server = new ManagerServer(manager);
    await server.listen();
    try {
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
    } finally {
      await Promise.all([runner.close(), server.close()]);
    }
  });
});
