/**
 * `lab up` (`npm run start:all`) gets SIGTERM (Ctrl-C's SIGINT is handled the same) while its
 * services are still starting: it stops every service it started before it exits, and leaves
 * none running, orphaned.
 */
import { appEntry } from '@concurrency-lab/launcher';
import { anyFreePorts, signalWhileStarting, tempFolder } from '@concurrency-lab/launcher/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { PORT_TAKEN } from '../src/up';

describe('lab up, signalled while it starts', () => {
  const folder = tempFolder('lab-up-');

  it('stops the services already up and the one starting, then exits 0', async () => {
    const run = await signalWhileStarting([appEntry('lab'), 'up'], folder);
    expect({ code: run.code, signal: run.signal, up: run.stdout.includes('is running') }).toEqual({
      code: 0,
      signal: null,
      up: false,
    });
    expect(run.left).toEqual([]);
  }, 90_000);
});

describe('lab up, a port taken', () => {
  /** `lab up` with async-service given `port` (every other service any free port). */
  const up = async (port: number) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WORKERS: '1',
      ...anyFreePorts(),
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
