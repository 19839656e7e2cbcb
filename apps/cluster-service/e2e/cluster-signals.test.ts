import {
  PRIMARY_GONE_BEFORE_LISTENING,
  WATCHDOG_MARGIN_MS,
  workerStopBoundMs,
} from '@concurrency-lab/cluster-runtime';
import { ADMISSION_OFF, metricSum } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import { isAlive, threadNames, WATCHDOG_THREAD_NAME } from '@concurrency-lab/procfs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { spawnModel } from './support/spawned-model';

interface LogLine {
  msg: string;
  level?: number;
  pid?: number;
  code?: number;
  channelError?: string;
  role?: string;
  reason?: string;
  outcome?: string;
  clean?: boolean;
  url?: string;
  workerPids?: number[];
  workers?: number[];
}

/**
 * cluster-service (or hybrid-service, the other model on `@concurrency-lab/cluster-runtime`) in
 * a process group of its own (as a terminal or a supervisor starts it), so that a signal can go
 * to the whole group — Ctrl-C, `kill -- -<pgid>` — and reach the primary and every worker at
 * once. Not yet listening: see `startGroup`.
 */
function spawnGroup(app: string, env: Record<string, string>) {
  const spawned = spawnModel(
    { WORKERS: '2', LOG_LEVEL: 'info', ...ADMISSION_OFF, ...env },
    { app, detached: true },
  );
  const { pid, exited, output } = spawned;
  const logs = () => spawned.logs<LogLine>();
  return {
    pid,
    exited,
    logs,
    output,
    /** Sends `signal` to every process of the group. */
    signal: (signal: NodeJS.Signals) => process.kill(-pid, signal),
    waitFor: async (what: string, matches: (line: LogLine) => boolean) => {
      await until(() => logs().some(matches), { what, everyMs: 40, detail: output });
      return logs().find(matches) as LogLine;
    },
    /** Nothing of the group outlives the test. */
    kill: () => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** `spawnGroup`, once the model listens. */
async function startGroup(app = 'cluster-service', env: Record<string, string> = {}) {
  const group = spawnGroup(app, env);
  try {
    const listening = await group.waitFor('the model to listen', (l) => l.msg === 'listening');
    return { ...group, url: listening.url as string, workerPids: listening.workerPids ?? [] };
  } catch (error) {
    // Not listening in time (a loaded machine): the caller's `finally` never sees this group,
    // which has no lifeline — left, it ran on after the test run (seen: a hybrid group for 2 h).
    group.kill();
    throw error;
  }
}

/**
 * `count` requests that sleep 1.5 s in the workers, once the model's scrape sees them in flight
 * (they and the scrape itself); each resolves to its status, 0 when cut.
 */
async function sleepsInFlight(url: string, count: number): Promise<Promise<number>[]> {
  const requests = Array.from({ length: count }, () =>
    fetch(`${url}/io/sleep?ms=1500`).then(
      (res) => res.status,
      () => 0,
    ),
  );
  await until(
    async () =>
      metricSum(await (await fetch(`${url}/metrics`)).text(), 'http_server_active_requests') >
      count,
    { what: `the ${count} requests to be in flight`, everyMs: 20 },
  );
  return requests;
}

/** How a new TCP connection to `port` on localhost ends: `connected`, or its error's code. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('cluster-service and signals sent to its whole process group', () => {
  it('drains once on Ctrl-C, twice: every in-flight request is answered and the stop is clean', async () => {
    const model = await startGroup();
    try {
      expect(model.workerPids).toHaveLength(2);
      const requests = await sleepsInFlight(model.url, 4);
      model.signal('SIGINT');
      // The primary asked every worker to drain: now the second Ctrl-C.
      await until(
        () =>
          model.workerPids.every((pid) =>
            model.logs().some((l) => l.msg === 'shutting down' && l.pid === pid),
          ),
        { what: 'every worker to drain', detail: model.output },
      );
      model.signal('SIGINT');
      // Before, every request was cut (status 0) and the primary logged clean: false.
      expect(await Promise.all(requests)).toEqual([200, 200, 200, 200]);
      const [code, signal] = await model.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(model.logs().find((l) => l.msg === 'stopped' && l.role === 'primary')).toMatchObject({
        clean: true,
      });
      // Each worker drained once (before: twice, once per path the signal took).
      for (const pid of model.workerPids)
        expect(model.logs().filter((l) => l.msg === 'shutting down' && l.pid === pid)).toHaveLength(
          1,
        );
    } finally {
      model.kill();
    }
  }, 30_000);

  it('rolls the workers on a SIGHUP to the group: none is killed by it, no crash is counted', async () => {
    const model = await startGroup();
    try {
      model.signal('SIGHUP');
      const done = await model.waitFor('the restart to complete', (l) =>
        ['rolling restart complete', 'rolling restart failed'].some((m) => l.msg.startsWith(m)),
      );
      expect(done.msg).toBe('rolling restart complete');
      expect(done.workers).toHaveLength(2);
      // Before, SIGHUP's default action killed every worker: two crashes, respawned.
      expect(model.logs().map((l) => l.msg)).not.toContain('worker crashed; respawning');
      const metrics = await (await fetch(`${model.url}/metrics`)).text();
      expect(metrics).not.toMatch(
        /^lab_worker_restarts_total\{(?=[^}]*kind="process")[^}]*\} [1-9]/m,
      );
      model.signal('SIGTERM');
      expect(await model.exited).toEqual([0, null]);
    } finally {
      model.kill();
    }
  }, 30_000);

  // Its workers' channel closes: they drain (the requests in flight here are answered) and
  // exit, within their stop's bound. Before, Node's own worker code exited them at once on the
  // disconnect: every request in flight got an empty reply, and no worker logged its drain.
  const SHUTDOWN_TIMEOUT_MS = 5000;
  it.each(['cluster-service', 'hybrid-service'])(
    '%s: when the primary is SIGKILLed, its workers answer what is in flight, then leave',
    async (app) => {
      const model = await startGroup(app, { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
      try {
        expect(model.workerPids).toHaveLength(2);
        // No watchdog thread: their tasks free the main thread (hybrid: run on threads;
        // cluster: the contract's workloads are bounded), so the drain's own bound holds.
        for (const pid of model.workerPids)
          expect(threadNames(pid)).not.toContain(WATCHDOG_THREAD_NAME);
        const requests = await sleepsInFlight(model.url, 2);
        process.kill(model.pid, 'SIGKILL');
        await model.exited;
        // The port was the primary's (round-robin: the workers hold no listening socket), so
        // a new connection is refused at once: no worker lingers serving it. A raw connection,
        // not fetch: fetch may reuse the scrape's keep-alive socket to a worker.
        const { port } = new URL(model.url);
        expect(await connectOutcome(Number(port))).toBe('ECONNREFUSED');
        expect(await Promise.all(requests)).toEqual([200, 200]);
        // Gone within their bound (a generous margin for a loaded machine): nobody is left to
        // kill them, so they must not linger.
        await until(() => model.workerPids.every((pid) => !isAlive(pid)), {
          what: 'the workers to leave once their primary is gone',
          timeoutMs: workerStopBoundMs(SHUTDOWN_TIMEOUT_MS) + 5000,
          detail: model.output,
        });
        // Each drained, and cleanly: `stopped` with `clean` is the kit's exit 0.
        for (const pid of model.workerPids) {
          const mine = model.logs().filter((l) => l.pid === pid);
          expect(mine.filter((l) => l.msg === 'shutting down')).toEqual([
            expect.objectContaining({ reason: 'primary disconnected' }),
          ]);
          expect(mine.filter((l) => l.msg === 'stopped')).toEqual([
            expect.objectContaining({ outcome: 'clean' }),
          ]);
        }
      } finally {
        model.kill();
        // The group kill misses nothing of it, but a worker that outlived the test is a leak.
        for (const pid of model.workerPids.filter(isAlive)) process.kill(pid, 'SIGKILL');
      }
    },
    30_000,
  );

  // Its orphan bound is a timer on the worker's main thread, which an endless task of the
  // operator's workload never frees: before, such a worker ran on after its primary's SIGKILL
  // for as long as the task did (here 60 s; for ever for a task that never ends). Its watchdog
  // thread now SIGKILLs it once the bound (and a margin for a free thread's own exit) is past.
  it('cluster-service: a worker stuck in an endless task of LAB_WORKLOAD ends past its bound when the primary is SIGKILLed', async () => {
    const shutdownTimeoutMs = 500;
    const model = await startGroup('cluster-service', {
      WORKERS: '1',
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      LAB_WORKLOAD: join(__dirname, 'fixtures', 'endless-task.js'),
    });
    const [worker = 0] = model.workerPids;
    try {
      // Cut when the worker dies: fetch's own failure, its cause the socket's end.
      const task = fetch(`${model.url}/work/custom`).then(
        (res) => res.status,
        (error: Error) => error.message,
      );
      await model.waitFor('the task to run', (l) => l.msg === 'fixture: task running');
      expect(threadNames(worker)).toContain(WATCHDOG_THREAD_NAME);
      process.kill(model.pid, 'SIGKILL');
      await model.exited;
      const graceMs = workerStopBoundMs(shutdownTimeoutMs) + WATCHDOG_MARGIN_MS;
      await until(() => !isAlive(worker), {
        what: 'the stuck worker to end',
        // A poll every 250 ms after the grace, and room for a loaded machine; far short of 60 s.
        timeoutMs: graceMs + 5000,
        detail: model.output,
      });
      expect(await task).toBe('fetch failed');
    } finally {
      model.kill();
      if (worker && isAlive(worker)) process.kill(worker, 'SIGKILL');
    }
  }, 30_000);

  /** A failed send on the dead primary's channel, as the worker names it. */
  const CHANNEL_ERROR = expect.stringMatching(/^(EPIPE|ECONNRESET|ERR_IPC_CHANNEL_CLOSED)$/);

  // A worker still booting (here: loading its workload) when its primary dies asks the dead
  // primary for its listening socket. Node's own cluster code sends that without a callback, so
  // the failed write (EPIPE) was an uncaughtException: the worker logged a fatal error and
  // exited 1, as if it had crashed. It is the disconnect, seen first; having never listened,
  // the worker has nothing to drain, and leaves (exit 0), saying so once. A boot that awaits
  // reads the disconnect itself first: that worker dropped out without a word.
  it.each([
    // EPIPE here; ECONNRESET or ERR_IPC_CHANNEL_CLOSED are the same death met another way.
    { app: 'cluster-service', boot: 'blocks', channelError: CHANNEL_ERROR },
    // A hybrid worker, its workload loaded, starts its pool and awaits its threads' boot before
    // it asks for the socket (03c0e6c): it reads the disconnect in that wait, as a boot that
    // awaits does.
    { app: 'hybrid-service', boot: 'blocks', channelError: undefined },
    { app: 'cluster-service', boot: 'awaits', channelError: undefined },
  ])(
    '$app: a worker whose boot $boot past its SIGKILLed primary leaves cleanly, saying so',
    async ({ app, boot, channelError }) => {
      const fixture =
        boot === 'blocks' ? 'boots-past-its-primary.js' : 'loads-past-its-primary.mjs';
      const model = spawnGroup(app, {
        WORKERS: '1',
        LAB_WORKLOAD: join(__dirname, 'fixtures', fixture),
      });
      let worker = 0;
      try {
        ({ pid: worker = 0 } = await model.waitFor(
          'the worker to boot',
          (l) => l.msg === 'fixture: worker booting',
        ));
        process.kill(model.pid, 'SIGKILL');
        await model.exited;
        // The fixture reports the exit code: nobody else can read an orphan's.
        const exit = await model.waitFor(
          'the worker to exit',
          (l) => l.msg === 'fixture: worker exit',
        );
        expect({ pid: exit.pid, code: exit.code }).toEqual({ pid: worker, code: 0 });
        const mine = model.logs().filter((l) => l.pid === worker);
        expect(mine.filter((l) => (l.level ?? 0) >= 50)).toEqual([]);
        // Once, as the disconnect (with the failed send's code when that came first).
        const leaving = mine.filter((l) => l.msg === PRIMARY_GONE_BEFORE_LISTENING);
        expect(leaving.map((l) => ({ reason: l.reason, channelError: l.channelError }))).toEqual([
          { reason: 'primary disconnected', channelError },
        ]);
      } finally {
        model.kill();
        if (worker && isAlive(worker)) process.kill(worker, 'SIGKILL');
      }
    },
    30_000,
  );
});
