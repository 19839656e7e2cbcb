import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { assertBuilt, killIfRunning, runNode, type Exit } from './run-dist';

/** `exited`, or 'still running' when the process has not exited within `ms`. */
async function exitWithin(exited: Promise<Exit>, ms: number): Promise<Exit | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), ms);
  });
  try {
    return await Promise.race([exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('dist/main.js', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    killIfRunning(child);
    child = undefined;
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'logs the port it listens on, serves pages and exits 0 on %s',
    async (signal) => {
      const main = assertBuilt('main.js');
      const run = runNode([main], { PORT: '0', HOST: '127.0.0.1', UPSTREAM_PAGES: '3' });
      child = run.child;

      const listening = JSON.parse(await run.firstLine) as Record<string, unknown>;
      expect(listening).toEqual({
        level: 'info',
        msg: 'listening',
        service: 'upstream',
        port: expect.any(Number),
        host: '127.0.0.1',
      });
      expect(listening['port']).toBeGreaterThan(0);

      const res = await fetch(`http://127.0.0.1:${String(listening['port'])}/page/1`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>Page 1 · Upstream</title>');

      run.child.kill(signal);
      expect(await run.exited).toMatchObject({ code: 0, signal: null });
    },
  );

  // main.ts's force-close: the drain lets an answer in flight finish, up to 10 s, then cuts it.
  it('on SIGTERM with a 60 s page in flight, cuts it at the 10 s drain bound and exits 0', async () => {
    const main = assertBuilt('main.js');
    // 60 s, the most UPSTREAM_LATENCY_MS allows: only the force-close ends the page sooner.
    const run = runNode([main], { PORT: '0', HOST: '127.0.0.1', UPSTREAM_LATENCY_MS: '60000' });
    child = run.child;
    const { port } = JSON.parse(await run.firstLine) as { port: number };

    const page = net.connect(port, '127.0.0.1');
    page.on('error', () => undefined); // the cut may come as a reset
    let received = '';
    page.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
    const pageClosed = once(page, 'close');
    await once(page, 'connect');
    page.write('GET /page/1 HTTP/1.1\r\nHost: a\r\n\r\n');
    // The page's bytes were in the server's kernel buffer before this connection was opened, so
    // by the time /healthz is answered the server has read the page request too: it is in flight.
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.text()).toBe('ok');

    const signalled = performance.now();
    run.child.kill('SIGTERM');
    const exit = await exitWithin(run.exited, 20_000);
    const elapsed = performance.now() - signalled;
    expect(exit).toMatchObject({ code: 0, signal: null });
    // At least the bound (the drain waited for the page: it was in flight, not idle), and well
    // short of the page's 60 s.
    expect(elapsed).toBeGreaterThanOrEqual(9_000);
    expect(elapsed).toBeLessThan(15_000);
    await pageClosed;
    expect(received).toBe('');
  }, 30_000);

  it('exits 2 with the reason on stderr when the environment is invalid, naming every bad variable', async () => {
    const main = assertBuilt('main.js');
    // One of the listening address, one of the site: both named (they were read apart, and the
    // first group's error hid the second's). Exit 2, as a model service's bad configuration.
    const run = runNode([main], { PORT: 'x', UPSTREAM_PAGES: 'abc' });
    child = run.child;
    const exit = await run.exited;
    expect(exit.code).toBe(2);
    const line = JSON.parse(exit.stderr.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'error',
      code: 'ERR_KIT_INVALID_CONFIG',
      service: 'upstream',
    });
    // Names the variables, whatever the wording.
    expect(line['msg']).toEqual(expect.stringMatching(/PORT.*UPSTREAM_PAGES|UPSTREAM_PAGES.*PORT/));
  });
});
