import { isAlive } from '@concurrency-lab/procfs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../src/free-port';
import { findPrometheus, startPrometheus } from '../src/prometheus-process';

/** Waits (bounded) for a process to be gone; true if it went. */
async function gone(pid: number, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await delay(50))
    if (!isAlive(pid)) return true;
  return !isAlive(pid);
}

/** A real caller that starts a real Prometheus and ends without stop() (fixtures/…). */
async function callerEnding(how: 'exit' | 'kill'): Promise<{ pid: number; dir: string }> {
  const child = spawn(
    process.execPath,
    [join(__dirname, 'fixtures', 'exit-without-stop.js'), String(await freePort()), how],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await once(child, 'exit');
  return JSON.parse(out) as { pid: number; dir: string };
}

describe('a caller that exits without stop()', () => {
  it('leaves no Prometheus running and no TSDB folder behind', async () => {
    const { pid, dir } = await callerEnding('exit');
    expect(dir).toMatch(/concurrency-lab-prometheus-/);
    expect(await gone(pid)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  }, 30_000);

  // No exit handler runs then: the folder it would remove stays (the control of the test above).
  // Prometheus itself is tied to its caller (launcher's tiedCommand: the kernel SIGKILLs it);
  // before, it ran on, holding its port.
  it('killed with SIGKILL (no exit handler runs): Prometheus ends all the same, its folder stays', async () => {
    const { pid, dir } = await callerEnding('kill');
    try {
      expect(await gone(pid)).toBe(true);
      expect(existsSync(dir)).toBe(true);
    } finally {
      process.kill(pid, 'SIGKILL');
      await gone(pid);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('a port another Prometheus already serves', () => {
  const start = async (port: number) =>
    startPrometheus({
      binary: findPrometheus() ?? 'prometheus',
      port,
      configText: 'global:\n  scrape_interval: 15s\n',
    });

  it('is not taken for ours being ready: ours fails to bind, and the start says so', async () => {
    const port = await freePort();
    // The control: on a free port, the same start is ready.
    const occupant = await start(port);
    try {
      await expect(start(port)).rejects.toThrow(
        /did not become ready[\s\S]*address already in use/,
      );
      expect(isAlive(occupant.pid)).toBe(true);
    } finally {
      await occupant.stop();
    }
  }, 60_000);
});
