import { getEventListeners } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '@concurrency-lab/procfs';
import { liveChildren } from '@concurrency-lab/procfs/testing';
import { launch, OUTPUT_GRACE_MS, OUTPUT_LIMIT, StartFailedError } from '../src';
import { tempFolder } from '../src/testing';

// The launch's edges: the kill timeout's bounds and escalation, a start that fails, the output
// kept, and what a start leaves registered.

const fixture = (name: string) => join(__dirname, 'fixtures', `${name}.js`);

/** How `promise` settled, or `pending` past `ms` (a timer that holds nothing open). */
async function within(ms: number, promise: Promise<unknown>): Promise<unknown> {
  return Promise.race([
    promise.then(
      (value) => ({ resolved: value }),
      (error: unknown) => ({ rejected: error }),
    ),
    new Promise((resolve) => setTimeout(resolve, ms, 'pending').unref()),
  ]);
}

describe('launch, at its edges', () => {
  const folder = tempFolder('launcher-edges-');

  it('takes a kill timeout of 0: SIGKILL at once', async () => {
    const service = await launch(fixture('stubborn'));
    try {
      expect(await service.stop('SIGTERM', 0)).toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      await service.stop('SIGKILL'); // what a failed check left running
    }
  });

  it('SIGKILLs a process silent past its start timeout even when it ignores SIGTERM: no kill timeout is waited out', async () => {
    // A SIGTERM first would leave it running the 18 s kill timeout before the start failed.
    const outcome = await within(
      5000,
      launch(fixture('silent-stubborn'), { name: 'mute', startTimeoutMs: 300 }),
    );
    expect(outcome).toEqual({ rejected: expect.any(StartFailedError) });
    expect((outcome as { rejected: Error }).rejected.message).toBe(
      'mute did not log "listening" within 300 ms',
    );
    expect(liveChildren()).toEqual([]);
  });

  it('starts a process slower than a few seconds within its default start timeout', async () => {
    const service = await launch(fixture('late'), { env: { LISTEN_AFTER_MS: '3000' } });
    expect(await service.stop()).toEqual({ code: 0, signal: null });
  });

  it('leaves no abort listener on its signal once the start is settled, either way', async () => {
    const abort = new AbortController();
    const service = await launch(fixture('listens'), { signal: abort.signal });
    try {
      expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
    } finally {
      await service.stop();
    }
    await expect(launch(fixture('exits'), { signal: abort.signal })).rejects.toBeInstanceOf(
      StartFailedError,
    );
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });

  it('keeps the last OUTPUT_LIMIT characters of what the process printed', async () => {
    const service = await launch(fixture('loud'));
    const output = service.output();
    await service.stop();
    expect(output).toHaveLength(OUTPUT_LIMIT);
    expect(output).toMatch(/^a+\ntail\n\{"msg":"listening","port":\d+\}\n$/);
  });

  it('counts an exit before listening once OUTPUT_GRACE_MS passed, though a child of it still holds its output', async () => {
    const pidFile = join(folder, 'held.pid');
    try {
      const outcome = await within(
        OUTPUT_GRACE_MS + 5000,
        launch(fixture('leaves-a-child'), { name: 'leaver', env: { PID_FILE: pidFile } }),
      );
      expect(outcome).toEqual({ rejected: expect.any(StartFailedError) });
      const error = (outcome as { rejected: StartFailedError }).rejected;
      expect(error.message).toMatch(
        /^leaver exited \(\{"code":3,"signal":null\}\) before listening/,
      );
      expect(error.output).toContain('FATAL: gone, a child left holding the output');
    } finally {
      const held = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
      if (held > 0 && isAlive(held)) process.kill(held, 'SIGKILL');
    }
  }, 20_000);
});
