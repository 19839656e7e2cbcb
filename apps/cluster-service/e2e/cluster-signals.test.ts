import { ADMISSION_OFF, appEntry, logRecords, metricSum } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import { isAlive } from '@concurrency-lab/procfs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

interface LogLine {
  msg: string;
  pid?: number;
  role?: string;
  clean?: boolean;
  url?: string;
  workerPids?: number[];
  workers?: number[];
}

/**
 * cluster-service in a process group of its own (as a terminal or a supervisor starts it), so
 * that a signal can go to the whole group — Ctrl-C, `kill -- -<pgid>` — and reach the primary
 * and every worker at once.
 */
async function startGroup() {
  const child = spawn(process.execPath, [appEntry('cluster-service')], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', WORKERS: '2', LOG_LEVEL: 'info', ...ADMISSION_OFF },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const pid = child.pid as number;
  const logs = () => logRecords(output) as unknown as LogLine[];
  const group = {
    pid,
    exited,
    logs,
    output: () => output,
    /** Sends `signal` to every process of the group. */
    signal: (signal: NodeJS.Signals) => process.kill(-pid, signal),
    waitFor: async (what: string, matches: (line: LogLine) => boolean) => {
      await until(() => logs().some(matches), { what, everyMs: 40, detail: () => output });
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
  const listening = await group.waitFor('the model to listen', (l) => l.msg === 'listening');
  return { ...group, url: listening.url as string, workerPids: listening.workerPids ?? [] };
}

describe('cluster-service and signals sent to its whole process group', () => {
  it('drains once on Ctrl-C, twice: every in-flight request is answered and the stop is clean', async () => {
    const model = await startGroup();
    try {
      expect(model.workerPids).toHaveLength(2);
      const requests = Array.from({ length: 4 }, () =>
        fetch(`${model.url}/io/sleep?ms=1500`).then(
          (res) => res.status,
          () => 0,
        ),
      );
      // Four sleeps in the workers, and the scrape that sees them.
      await until(
        async () =>
          metricSum(
            await (await fetch(`${model.url}/metrics`)).text(),
            'http_server_active_requests',
          ) >= 5,
        { what: 'the four requests to be in flight', everyMs: 20 },
      );
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

  it('leaves no worker behind when the primary is SIGKILLed', async () => {
    const model = await startGroup();
    try {
      process.kill(model.pid, 'SIGKILL');
      await model.exited;
      await until(() => model.workerPids.every((pid) => !isAlive(pid)), {
        what: 'the workers to leave once their primary is gone',
        detail: model.output,
      });
    } finally {
      model.kill();
    }
  }, 30_000);
});
