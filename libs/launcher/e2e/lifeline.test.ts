import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '@concurrency-lab/procfs';
import {
  appEntry,
  launch,
  LIFELINE_VARIABLE,
  logRecords,
  metricSum,
  StartFailedError,
  type LogRecord,
} from '../src';
import { tempFolder, until } from '../src/testing';

// The lifeline: a service the launcher started stops itself once the process that started it is
// gone, however it went. Here that process is a real tool (fixtures/lifeline-runner.js, the
// built launcher) and it goes by SIGKILL, which no handler of its own can answer.

/** A liveness deadline, not a figure: a drain, a span flush, a cluster's workers, busy cores. */
const GONE_WITHIN_MS = 15_000;

interface Started {
  app: string;
  url: string;
  pid: number;
  /** Its child processes once it listened: a cluster's workers. */
  children: number[];
}

/** Every process a test started: what is still alive after it is SIGKILLed, so none leaks. */
const started = new Set<number>();
afterEach(() => {
  for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  started.clear();
});

/** The pids of `services` and of their children. */
const pidsOf = (services: readonly Started[]) => services.flatMap((s) => [s.pid, ...s.children]);

/**
 * Starts the runner with the lifeline `on` or `off`, and resolves once every app it starts
 * listens. Everything it started is killed after the test, whatever happens.
 */
async function startRunner(mode: 'on' | 'off', apps: string[], teeLog: string) {
  const runner = spawn(
    process.execPath,
    [join(__dirname, 'fixtures', 'lifeline-runner.js'), mode, ...apps],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The variable in the tool's own environment too: a service gets it from the launcher
      // alone, never inherited (without the pipe, it would end the service at once).
      env: { ...process.env, TEE_LOG: teeLog, [LIFELINE_VARIABLE]: 'stdin' },
    },
  );
  started.add(runner.pid ?? -1);
  const exited = once(runner, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stdout = '';
  let stderr = '';
  runner.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  runner.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const launched = () =>
    logRecords(stdout).find((line) => line.msg === 'launched') as
      (LogRecord & { started: Started[] }) | undefined;
  await Promise.race([
    until(() => launched() !== undefined, {
      what: `${apps.join(', ')} up`,
      timeoutMs: 60_000,
      everyMs: 50,
    }),
    exited.then(([code]) => {
      throw new Error(`the runner exited (${code}) before its services were up: ${stderr}`);
    }),
  ]);
  const services = launched()?.started ?? [];
  for (const pid of pidsOf(services)) started.add(pid);
  const kill = async () => {
    runner.kill('SIGKILL');
    expect(await exited).toEqual([null, 'SIGKILL']);
  };
  return { services, kill, service: (app: string) => services.find((s) => s.app === app) };
}

/** The variables process `pid` was started with. */
function environmentOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
}

/** The log lines process `pid` wrote, from the tee file every service of the runner appends to. */
function linesOf(teeLog: string, pid: number): LogRecord[] {
  return logRecords(readFileSync(teeLog, 'utf8')).filter((line) => line['pid'] === pid);
}

describe('the lifeline', () => {
  const folder = tempFolder('launcher-lifeline-');

  it('stops every service the launcher started once its process is SIGKILLed: a cluster primary and its workers too, by their drain', async () => {
    const teeLog = join(folder, 'with.log');
    const runner = await startRunner(
      'on',
      ['upstream', 'async-service', 'cluster-service'],
      teeLog,
    );
    const asyncService = runner.service('async-service') as Started;
    const cluster = runner.service('cluster-service') as Started;
    expect(cluster.children).toHaveLength(2);
    const pids = pidsOf(runner.services);
    expect(pids.map(isAlive)).toEqual(pids.map(() => true));
    // The variable is the process's the launcher started, and not its workers'.
    const lifeline = `${LIFELINE_VARIABLE}=stdin`;
    expect(environmentOf(asyncService.pid)).toContain(lifeline);
    expect(environmentOf(cluster.pid)).toContain(lifeline);
    for (const worker of cluster.children) expect(environmentOf(worker)).not.toContain(lifeline);

    // A request in flight when the launcher dies is answered: the service drains, it is not cut.
    const inFlight = fetch(`${asyncService.url}/io/sleep?ms=3000`);
    await until(
      async () =>
        metricSum(
          await (await fetch(`${asyncService.url}/metrics`)).text(),
          'http_server_active_requests',
        ) >= 2, // the sleep, and this scrape
      { what: 'the sleep to be in flight' },
    );
    await runner.kill();
    const answer = await inFlight;
    expect(answer.status).toBe(200);

    await until(() => !pids.some(isAlive), {
      what: 'every service process to be gone',
      timeoutMs: GONE_WITHIN_MS,
      everyMs: 50,
      detail: () => `alive: ${pids.filter(isAlive).join(', ')}`,
    });
    const said = (pid: number) => linesOf(teeLog, pid).map(({ msg, reason }) => ({ msg, reason }));
    const lost = { msg: expect.stringMatching(/^lifeline lost/), reason: undefined };
    expect(said(asyncService.pid)).toEqual(
      expect.arrayContaining([lost, { msg: 'shutting down', reason: 'lifeline' }]),
    );
    expect(linesOf(teeLog, asyncService.pid).at(-1)).toMatchObject({
      msg: 'stopped',
      outcome: 'clean',
    });
    expect(said(cluster.pid)).toEqual(
      expect.arrayContaining([lost, { msg: 'shutting down', reason: 'lifeline' }]),
    );
    expect(linesOf(teeLog, cluster.pid).at(-1)).toMatchObject({ msg: 'stopped', clean: true });
    // Each worker was asked by its primary: it did not act on the lifeline itself.
    for (const worker of cluster.children) {
      expect(said(worker)).toContainEqual({ msg: 'shutting down', reason: 'primary asked' });
      expect(said(worker)).not.toContainEqual(lost);
    }
  }, 90_000);

  it('negative control: without it, the same services outlive the SIGKILLed launcher', async () => {
    const teeLog = join(folder, 'without.log');
    const runner = await startRunner('off', ['async-service', 'cluster-service'], teeLog);
    const pids = pidsOf(runner.services);
    expect(pids).toHaveLength(4); // async-service, the primary and its 2 workers
    for (const { pid } of runner.services) {
      expect(environmentOf(pid).some((v) => v.startsWith(`${LIFELINE_VARIABLE}=`))).toBe(false);
    }
    await runner.kill();
    await sleep(1500);
    expect(pids.map(isAlive)).toEqual(pids.map(() => true)); // orphaned: afterEach kills them
    expect(pids.flatMap((pid) => linesOf(teeLog, pid)).map((line) => line.msg)).not.toContain(
      'shutting down',
    );
  }, 90_000);

  it("an operator's workload module loads with the variable gone: what it starts inherits no lifeline", async () => {
    // Its top-level code notes the environment it runs in; PORT shows the note is of that one.
    const dir = mkdtempSync(join(tmpdir(), 'lab-lifeline-'));
    const seen = join(dir, 'seen.json');
    const workload = join(dir, 'workload.mjs');
    writeFileSync(
      workload,
      `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ lifeline: process.env.LAB_LIFELINE ?? null, port: process.env.PORT ?? null }));
export function run() { return {}; }
`,
    );
    try {
      const service = await launch(appEntry('async-service'), {
        name: 'async-service',
        env: { LAB_WORKLOAD: workload },
      });
      expect(await service.stop()).toEqual({ code: 0, signal: null });
      expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({ lifeline: null, port: '0' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves a normal stop as it was: SIGTERM, the drain, exit 0, no lifeline line', async () => {
    const service = await launch(appEntry('async-service'), { name: 'async-service' });
    expect(await service.stop()).toEqual({ code: 0, signal: null });
    expect(service.logs().map(({ msg, reason }) => ({ msg, reason }))).toContainEqual({
      msg: 'shutting down',
      reason: 'SIGTERM',
    });
    expect(service.output()).not.toContain('lifeline');
  });

  /**
   * What each app must refuse at start, naming the variable: a bad value, and `stdin` where
   * stdin is no pipe (`lifeline: false` spawns with stdin 'ignore', /dev/null: it would stop at
   * once, with exit 0). Every app exits 2 on a bad variable, upstream too (it exited 1 until
   * 2026-12-05).
   */
  const refusals = [
    ['a bad value', { [LIFELINE_VARIABLE]: 'ipc' }, 'expected one of stdin, got `ipc`'],
    [
      'stdin when stdin is no pipe',
      { [LIFELINE_VARIABLE]: 'stdin' },
      'stdin is a terminal or a device, not a pipe',
    ],
  ] as const;
  it.each(
    (['async-service', 'cluster-service', 'upstream'] as const).flatMap((app) =>
      refusals.map(([what, env, says]) => [app, what, 2, env, says] as const),
    ),
  )(
    '%s refuses %s at start, naming the variable (exit %i)',
    async (app, _what, code, env, says) => {
      const error = await launch(appEntry(app), { name: app, lifeline: false, env }).then(
        () => undefined,
        (failed: unknown) => failed,
      );
      expect(error).toBeInstanceOf(StartFailedError);
      expect((error as StartFailedError).message).toContain(`"code":${code}`);
      expect((error as StartFailedError).output).toContain(`${LIFELINE_VARIABLE}: ${says}`);
    },
  );
});
