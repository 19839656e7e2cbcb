/**
 * `npm run observe` gets SIGTERM (Ctrl-C's SIGINT is handled the same) while its services are
 * still starting: the start is aborted, and every service it started — those up and the one
 * starting — is stopped before it exits.
 */
import { signalWhileStarting, tempFolder } from '@concurrency-lab/launcher/testing';
import { join } from 'node:path';

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
