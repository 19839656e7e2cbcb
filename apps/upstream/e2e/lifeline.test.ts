import type { ChildProcess } from 'node:child_process';
import { LIFELINE_LOST_MESSAGE } from '@concurrency-lab/service-kit/env';
import { assertBuilt, killIfRunning, requestInFlight, runNode } from './run-dist';

/** The JSON lines a run wrote to stdout, after its first (`listening`). */
function linesAfterListening(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n').filter((line) => line !== '');
  return lines.slice(1).map((line) => JSON.parse(line) as Record<string, unknown>);
}

// The launcher starts upstream with LAB_LIFELINE=stdin and a stdin pipe it holds: once that pipe
// ends (the launcher is gone, even SIGKILLed), upstream must stop itself, nobody else will.
describe('dist/main.js with LAB_LIFELINE=stdin', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    killIfRunning(child);
    child = undefined;
  });

  /** Starts main.js with a stdin pipe this test holds; resolves its port once it listens. */
  async function start(env: NodeJS.ProcessEnv) {
    const run = runNode(
      [assertBuilt('main.js')],
      { PORT: '0', HOST: '127.0.0.1', ...env },
      30_000,
      'pipe',
    );
    child = run.child;
    const { port } = JSON.parse(await run.firstLine) as { port: number };
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.text()).toBe('ok');
    return { run, port };
  }

  it('serves while its stdin is held, and once it ends says why, drains and exits 0', async () => {
    const { run } = await start({ LAB_LIFELINE: 'stdin' });
    run.child.stdin?.end();
    const exit = await run.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(linesAfterListening(exit.stdout)).toEqual([
      { level: 'warn', msg: LIFELINE_LOST_MESSAGE, service: 'upstream', lifeline: 'stdin' },
      { level: 'info', msg: 'stopping', service: 'upstream', reason: 'lifeline' },
    ]);
  });

  it('negative control: without the variable, the end of its stdin stops nothing', async () => {
    const { run, port } = await start({ LAB_LIFELINE: '' });
    run.child.stdin?.end();
    // Still serving after the end; the SIGTERM is what stops it.
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.text()).toBe('ok');
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(linesAfterListening(exit.stdout)).toEqual([
      { level: 'info', msg: 'stopping', service: 'upstream', signal: 'SIGTERM' },
    ]);
  });

  // The launcher read upstream's stdout too, so the warn line meets a closed pipe (EPIPE): that
  // error must not end the process before its drain does (the page in flight is answered).
  it('drains and exits 0 when its stdout is gone with the launcher', async () => {
    const { run, port } = await start({ LAB_LIFELINE: 'stdin' });
    const page = await requestInFlight(port, '/page/1?latency=1500');
    run.child.stdout?.destroy();
    run.child.stdin?.end();
    const exit = await run.exited;
    expect({ code: exit.code, signal: exit.signal, stderr: exit.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    await page.closed;
    expect(page.received().split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  });

  // A stdin the starter does not hold (here /dev/null) would end at once: a configuration error.
  it.each([
    ['stdin', 'stdin is a terminal or a device, not a pipe'],
    ['yes', ''],
  ])(
    'refuses LAB_LIFELINE=%s with stdin /dev/null: exit 2, naming the variable',
    async (value, why) => {
      const run = runNode([assertBuilt('main.js')], { PORT: '0', LAB_LIFELINE: value });
      child = run.child;
      const exit = await run.exited;
      expect({ code: exit.code, stdout: exit.stdout }).toEqual({ code: 2, stdout: '' });
      const line = JSON.parse(exit.stderr.trim()) as Record<string, unknown>;
      expect(line).toMatchObject({ level: 'error', code: 'ERR_KIT_INVALID_CONFIG' });
      expect(line['msg']).toEqual(expect.stringContaining('LAB_LIFELINE'));
      expect(line['msg']).toEqual(expect.stringContaining(why));
    },
  );
});
