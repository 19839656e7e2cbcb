/**
 * `npm run observe` gets SIGTERM (Ctrl-C's SIGINT is handled the same) while its services are
 * still starting: the start is aborted, and every service it started — those up and the one
 * starting — is stopped before it exits.
 */
import {
  anyFreePorts,
  machineToolOrSkip,
  signalWhileStarting,
  tempFolder,
  until,
} from '@concurrency-lab/launcher/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { PROMETHEUS_TOOL } from '../src/prometheus-process';

const OBSERVE = join(__dirname, '..', 'dist', 'src', 'observe.js');

describe('observe, signalled while it starts', () => {
  const folder = tempFolder('observe-signal-');

  it('stops every service it started, then exits 0', async () => {
    const run = await signalWhileStarting([OBSERVE], folder, {
      PROMETHEUS_BIN: join(folder, 'no-prometheus'), // the services alone
    });
    expect({
      code: run.code,
      signal: run.signal,
      up: run.stdout.includes('observed without Docker'),
    }).toEqual({ code: 0, signal: null, up: false });
    expect(run.left).toEqual([]);
  }, 90_000);
});

const PROMETHEUS = machineToolOrSkip(PROMETHEUS_TOOL);

describe('observe, signalled once up with a real Prometheus', () => {
  // Prometheus exits because the signal stopped it: that is no crash to report, nor exit 1 for.
  ('path' in PROMETHEUS ? it : it.skip)(
    'stops without calling Prometheus’s exit unexpected, then exits 0',
    async () => {
      const observe = spawn(process.execPath, [OBSERVE], {
        env: {
          ...process.env,
          ...anyFreePorts(),
          WORKERS: '1',
          PROMETHEUS_PORT: '0',
          PROMETHEUS_BIN: 'path' in PROMETHEUS ? PROMETHEUS.path : '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      observe.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      observe.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = once(observe, 'exit');
      try {
        await until(() => stdout.includes('targets:'), {
          what: 'observe up with Prometheus',
          timeoutMs: 40_000,
          detail: () => stderr,
        });
        observe.kill('SIGTERM');
        const [code] = (await exited) as [number | null];
        expect({ code, unexpected: /exited unexpectedly/.test(stderr) }).toEqual({
          code: 0,
          unexpected: false,
        });
      } finally {
        observe.kill('SIGKILL');
      }
    },
    90_000,
  );
});
