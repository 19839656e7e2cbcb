/**
 * `npm run observe` gets SIGTERM (Ctrl-C's SIGINT is handled the same) while its services are
 * still starting: the start is aborted, and every service it started — those up and the one
 * starting — is stopped before it exits.
 */
import { tempFolder, until } from '@concurrency-lab/launcher/testing';
import { MODELS } from '@concurrency-lab/models';
import { isAlive, processTree } from '@concurrency-lab/procfs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OBSERVE = join(__dirname, '..', 'dist', 'src', 'observe.js');

describe('observe, signalled while it starts', () => {
  const folder = tempFolder('observe-signal-');

  it('stops every service it started, then exits 0', async () => {
    // Preloaded into every process of the run, it holds threads-service (the second model)
    // until the test releases it: the signal comes while upstream and async-service are up and
    // threads-service is starting.
    const go = join(folder, 'go');
    const hold = join(folder, 'hold-threads.js');
    writeFileSync(
      hold,
      `if (process.argv[1]?.endsWith(${JSON.stringify(join('threads-service', 'dist', 'main.js'))}))
  while (!require('node:fs').existsSync(${JSON.stringify(go)}))
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);\n`,
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: `--require ${hold}`,
      PROMETHEUS_BIN: join(folder, 'no-prometheus'), // the services alone
      WORKERS: '1',
      UPSTREAM_PORT: '0', // any free port: never the contract's, which a person's run may hold
      ...Object.fromEntries(MODELS.map(({ model }) => [`${model.toUpperCase()}_PORT`, '0'])),
    };
    const observe = spawn(process.execPath, [OBSERVE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    observe.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    observe.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exited = false;
    const exit = once(observe, 'exit').then((status) => {
      exited = true;
      return status as [number | null, NodeJS.Signals | null];
    });
    // Every process below it, as long as it runs: what must be gone once it has exited.
    const seen = new Set<number>();
    const below = () => {
      const tree = processTree(observe.pid ?? -1) ?? [];
      for (const pid of tree.slice(1)) seen.add(pid);
      return tree.length - 1;
    };
    try {
      await until(() => below() === 3, {
        what: 'upstream and async-service up, threads-service starting',
        timeoutMs: 30_000,
        detail: () => `observe printed:\n${stderr}`,
      });
      observe.kill('SIGTERM');
      writeFileSync(go, ''); // were the abort lost, the start would go on: nothing may be left
      await until(
        () => {
          below();
          return exited;
        },
        { what: 'observe to exit', timeoutMs: 50_000, everyMs: 20 },
      );
      const [code, signal] = await exit;
      const left = [...seen].filter(isAlive);
      expect({ code, signal, up: stdout.includes('observed without Docker') }).toEqual({
        code: 0,
        signal: null,
        up: false,
      });
      expect(left).toEqual([]);
    } finally {
      // What a failed run left: observe, and services it orphaned.
      observe.kill('SIGKILL');
      for (const pid of [...seen].filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  }, 90_000);
});
