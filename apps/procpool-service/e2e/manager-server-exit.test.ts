import { appEntry } from '@concurrency-lab/launcher';
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe("ManagerServer's socket directory", () => {
  it('is removed when its process exits without close() (process.exit on a fatal error)', async () => {
    const child = fork(join(__dirname, 'fixtures', 'manager-exits.js'), { stdio: 'inherit' });
    const exited = once(child, 'exit');
    try {
      const [message] = (await once(child, 'message')) as [{ dir?: string; failed?: string }];
      expect(message.failed).toBeUndefined();
      const dir = message.dir as string;
      // The control: while the process runs, its directory (and socket) are there.
      expect(existsSync(join(dir, 'manager.sock'))).toBe(true);
      child.send('exit');
      expect(await exited).toEqual([1, null]);
      expect(existsSync(dir)).toBe(false);
    } finally {
      child.kill();
    }
  });

  it('is removed, and the service exits 0, when SIGTERM comes while it is still starting', async () => {
    // A tmpdir of its own, so the directory this service makes is the only one there.
    const tmp = mkdtempSync(join(tmpdir(), 'procpool-start-'));
    const child = spawn(process.execPath, [appEntry('procpool-service')], {
      env: { ...process.env, PORT: '0', WORKERS: '4', TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = once(child, 'exit');
    const made = () => readdirSync(tmp).filter((name) => name.startsWith('lab-procpool-'));
    try {
      // The directory is made before the pool processes have warmed up: signal right then.
      for (let i = 0; i < 10_000 && made().length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(made()).toHaveLength(1);
      const listeningBeforeSignal = stdout.includes('"msg":"listening"');
      child.kill('SIGTERM');
      // The premise: the signal came before the service was up.
      expect(listeningBeforeSignal).toBe(false);
      expect(await exited).toEqual([0, null]);
      expect(made()).toEqual([]);
      expect(stdout).toContain('"msg":"stopped"');
    } finally {
      child.kill('SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
