import { isAlive } from '@concurrency-lab/procfs';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../src/free-port';
import { findPrometheus, startPrometheus } from '../src/prometheus-process';
import { fakePrometheus } from './support/fake-prometheus';
import { tempFolder } from '@concurrency-lab/launcher/testing';

const PROMETHEUS = findPrometheus() ?? 'prometheus';
const CONFIG = 'global:\n  scrape_interval: 15s\n';

/** Waits (bounded) for a process to be gone; true if it went. */
async function gone(pid: number, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await delay(50))
    if (!isAlive(pid)) return true;
  return !isAlive(pid);
}

/**
 * A real caller that starts a real Prometheus (fixtures/…) in `tmp` (its TMPDIR), and ends
 * without stop() ('exit', 'kill'), runs on ('stay': resolves once it is ready; kill it), or stops
 * it and ends by itself ('stop': `stoppedAt` says when stop() resolved).
 */
async function caller(
  how: 'exit' | 'kill' | 'stay' | 'stop',
  tmp = tmpdir(),
): Promise<{ pid: number; dir: string; stoppedAt?: number; caller: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [join(__dirname, 'fixtures', 'exit-without-stop.js'), String(await freePort()), how],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const reported = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (how === 'stay' && out.includes('\n')) resolve();
    });
    child.once('exit', () =>
      how === 'stay' ? reject(new Error(`the caller exited:\n${out}${err}`)) : resolve(),
    );
  });
  await reported;
  return {
    ...(JSON.parse(out) as { pid: number; dir: string; stoppedAt?: number }),
    caller: child,
  };
}

/** Kills a caller that runs on, and waits for it and its Prometheus (`pid`) to be gone. */
async function kill({ pid, caller }: { pid: number; caller: ChildProcess }): Promise<void> {
  if (caller.exitCode === null && caller.signalCode === null) {
    const exited = once(caller, 'exit');
    caller.kill('SIGKILL');
    await exited;
  }
  await gone(pid);
}

const prometheusIn = (tmp: string) =>
  readdirSync(tmp)
    .filter((name) => name.startsWith('concurrency-lab-prometheus-'))
    .map((name) => join(tmp, name));

describe('a caller that exits without stop()', () => {
  it('leaves no Prometheus running and no TSDB folder behind', async () => {
    const { pid, dir } = await caller('exit');
    expect(dir).toMatch(/concurrency-lab-prometheus-/);
    expect(await gone(pid)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  }, 30_000);
});

// Killed outright, a caller runs no exit handler: its folder (config and TSDB) stays. Prometheus
// itself is tied to it (launcher's tiedCommand: the kernel SIGKILLs it). The next start removes
// the folders of callers that are gone, and only those. Each test has a TMPDIR of its own, so
// another test's Prometheus (a parallel worker) is never among the folders looked at.
describe('a caller killed with SIGKILL', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'observability-e2e-abandoned-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it("leaves its folder, which the next start removes; a live caller's folder is kept", async () => {
    const callers: { pid: number; caller: ChildProcess }[] = [];
    try {
      // The live caller starts first: a start by the other would remove the killed one's folder.
      const live = await caller('stay', tmp);
      callers.push(live);
      const killed = await caller('kill', tmp);
      callers.push(killed);
      // Not a folder startPrometheus made with an owner: never touched (say, an older one's).
      const foreign = mkdtempSync(join(tmp, 'concurrency-lab-prometheus-'));
      expect(await gone(killed.pid)).toBe(true);
      // The control: no exit handler ran, so the folder is there until the next start.
      expect(existsSync(killed.dir)).toBe(true);
      // The next start: another caller, which stops its Prometheus as it exits.
      const next = await caller('exit', tmp);
      callers.push(next);
      expect(existsSync(killed.dir)).toBe(false);
      expect(existsSync(live.dir)).toBe(true);
      expect(existsSync(foreign)).toBe(true);
      expect(prometheusIn(tmp).sort()).toEqual([live.dir, foreign].sort());
    } finally {
      for (const started of callers) await kill(started);
    }
  }, 90_000);
});

describe('a port another Prometheus already serves', () => {
  // A deadline far beyond the 10 s allowed below: ours exiting is the answer, not the deadline.
  const start = async (port: number) =>
    startPrometheus({ binary: PROMETHEUS, port, configText: CONFIG, readyTimeoutMs: 30_000 });

  it('is not taken for ours being ready: ours fails to bind, and the start says so', async () => {
    const port = await freePort();
    // The control: on a free port, the same start is ready.
    const occupant = await start(port);
    try {
      const asked = Date.now();
      await expect(start(port)).rejects.toThrow(
        /did not become ready[\s\S]*address already in use/,
      );
      expect(Date.now() - asked).toBeLessThan(10_000);
      expect(isAlive(occupant.pid)).toBe(true);
    } finally {
      await occupant.stop();
    }
  }, 60_000);
});

describe('stop()', () => {
  // Its SIGKILL timer is cleared once Prometheus is gone: left pending, it held the caller up.
  it('leaves nothing pending: the caller ends at once', async () => {
    const { stoppedAt = 0 } = await caller('stop');
    expect(Date.now() - stoppedAt).toBeLessThan(2500);
  }, 30_000);

  const folder = tempFolder('observability-e2e-stop-');

  it('leaves no exit hook and no folder behind', async () => {
    const before = { hooks: process.listenerCount('exit'), folder: false };
    const prometheus = await startPrometheus({
      binary: PROMETHEUS,
      port: await freePort(),
      configText: CONFIG,
    });
    const args = readFileSync(`/proc/${prometheus.pid}/cmdline`, 'utf8').split('\0');
    const tsdb = args.find((a) => a.startsWith('--storage.tsdb.path=')) ?? '=';
    const dir = dirname(tsdb.slice(tsdb.indexOf('=') + 1));
    // The control: while it runs, its hook and folder are there.
    expect([process.listenerCount('exit'), existsSync(dir)]).toEqual([before.hooks + 1, true]);
    await prometheus.stop();
    expect({
      hooks: process.listenerCount('exit'),
      folder: existsSync(dir),
    }).toEqual(before);
  }, 30_000);

  it('SIGKILLs a Prometheus that ignores SIGTERM, 5 s on', async () => {
    const prometheus = await startPrometheus({
      binary: fakePrometheus(folder, 'ignores-sigterm'),
      port: await freePort(),
      configText: CONFIG,
    });
    const late = new AbortController(); // so that the 10 s timer does not outlive the test
    const stopped = await Promise.race([
      prometheus.stop().then(() => 'stopped'),
      delay(10_000, 'still running', { signal: late.signal }),
    ]);
    late.abort();
    if (isAlive(prometheus.pid)) process.kill(prometheus.pid, 'SIGKILL');
    expect(stopped).toBe('stopped');
  }, 20_000);
});

describe('a Prometheus still loading', () => {
  const folder = tempFolder('observability-e2e-loading-');

  // Started, listening, but answering 503 as a Prometheus still loading does: not ready. The
  // control is the SIGTERM-ignoring stand-in above, which is ready.
  it('is not taken for ready: the start waits, then says so', async () => {
    const outcome = await startPrometheus({
      binary: fakePrometheus(folder, 'never-ready'),
      port: await freePort(),
      configText: CONFIG,
      readyTimeoutMs: 1500,
    }).then(
      async (taken) => {
        await taken.stop();
        return 'ready';
      },
      (error: Error) => error.message,
    );
    expect(outcome).toMatch(/^prometheus did not become ready/);
  }, 20_000);
});
