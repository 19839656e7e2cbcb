/**
 * `lab up` (`npm run start:all`) gets SIGTERM (Ctrl-C's SIGINT is handled the same) while its
 * services are still starting: it stops every service it started before it exits, and leaves
 * none running, orphaned.
 */
import { appEntry } from '@concurrency-lab/launcher';
import { tempFolder, until } from '@concurrency-lab/launcher/testing';
import { MODELS } from '@concurrency-lab/models';
import { childrenOf, isAlive } from '@concurrency-lab/procfs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PORT_TAKEN } from '../src/up';

describe('lab up, signalled while it starts', () => {
  const folder = tempFolder('lab-up-');

  it('stops the services already up and the one starting, then exits 0', async () => {
    // Preloaded into every process of the run, it holds threads-service (the second model) a
    // minute before it can listen: the signal comes while upstream and async-service are up
    // and threads-service is starting.
    const hold = join(folder, 'hold-threads.js');
    writeFileSync(
      hold,
      `if (process.argv[1]?.endsWith(${JSON.stringify(join('threads-service', 'dist', 'main.js'))}))
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);\n`,
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: `--require ${hold}`,
      WORKERS: '1',
      UPSTREAM_PORT: '0', // any free port: never the contract's, which a person's run may hold
      ...Object.fromEntries(MODELS.map(({ model }) => [`${model.toUpperCase()}_PORT`, '0'])),
    };
    const lab = spawn(process.execPath, [appEntry('lab'), 'up'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    lab.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    lab.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = once(lab, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const services = () => (childrenOf(lab.pid ?? -1) ?? []).filter(isAlive);
    const pids: number[] = [];
    try {
      await until(() => services().length === 3, {
        what: 'upstream and async-service up, threads-service starting',
        timeoutMs: 30_000,
        detail: () => `lab printed:\n${stderr}`,
      });
      pids.push(...services());
      lab.kill('SIGTERM');
      const [code, signal] = await exit;
      const left = pids.filter(isAlive);
      expect({ code, signal, up: stdout.includes('is running') }).toEqual({
        code: 0,
        signal: null,
        up: false,
      });
      expect(left).toEqual([]);
    } finally {
      // What a failed run left: the lab, and services it orphaned.
      lab.kill('SIGKILL');
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  }, 60_000);
});

describe('lab up, a port taken', () => {
  /** `lab up` with async-service given `port` (every other service any free port). */
  const up = async (port: number) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WORKERS: '1',
      UPSTREAM_PORT: '0',
      ...Object.fromEntries(MODELS.map(({ model }) => [`${model.toUpperCase()}_PORT`, '0'])),
      ASYNC_PORT: String(port),
    };
    const lab = spawn(process.execPath, [appEntry('lab'), 'up'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    lab.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = once(lab, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    return { lab, exit, stderr: () => stderr };
  };

  it('says which service could not listen and how to move it, exit 1, no stack', async () => {
    const holder = createServer();
    holder.listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as { port: number };
    const { lab, exit, stderr } = await up(port);
    try {
      const [code] = await exit;
      expect(code).toBe(1);
      expect(stderr()).toMatch(/^ERR_LAUNCH_START_FAILED: .*async-service/);
      expect(stderr()).toContain('EADDRINUSE');
      expect(stderr()).toContain(PORT_TAKEN);
      // Neither the lab's own frames nor the service's: its words about the port are enough.
      expect(stderr()).not.toMatch(/^\s+at /m);
      expect(stderr()).not.toContain("code: 'EADDRINUSE'");
    } finally {
      lab.kill('SIGKILL');
      holder.close();
    }
  }, 60_000);
});
