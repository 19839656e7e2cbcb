import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { holdPort, until } from '@concurrency-lab/launcher/testing';
import { UPSTREAM } from '@concurrency-lab/models';
import { assertBuilt, killIfRunning, requestInFlight, runNode, type Exit } from './run-dist';

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

  // HOST empty is HOST unset: the default, 127.0.0.1, not every interface.
  it.each([
    ['SIGTERM', '127.0.0.1'],
    ['SIGINT', ''],
  ] as const)(
    'logs the port it listens on, serves pages and exits 0 on %s (HOST=%j)',
    async (signal, host) => {
      const main = assertBuilt('main.js');
      const run = runNode([main], { PORT: '0', HOST: host, UPSTREAM_PAGES: '3' });
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

    const page = await requestInFlight(port, '/page/1');

    const signalled = performance.now();
    run.child.kill('SIGTERM');
    const exit = await exitWithin(run.exited, 20_000);
    const elapsed = performance.now() - signalled;
    expect(exit).toMatchObject({ code: 0, signal: null });
    // At least the bound (the drain waited for the page: it was in flight, not idle), and well
    // short of the page's 60 s.
    expect(elapsed).toBeGreaterThanOrEqual(9_000);
    expect(elapsed).toBeLessThan(15_000);
    await page.closed;
    expect(page.received()).toBe('');
  }, 30_000);

  // Without the drain, the answer would keep its connection alive and hold close() open until
  // keepAliveTimeout (5 s) ended it.
  it('on SIGTERM answers a keep-alive request in flight with Connection: close and exits once it is answered', async () => {
    const main = assertBuilt('main.js');
    const run = runNode([main], { PORT: '0', HOST: '127.0.0.1' });
    child = run.child;
    const { port } = JSON.parse(await run.firstLine) as { port: number };
    // 2 s: long enough to be still in flight at the signal on a loaded machine.
    const page = await requestInFlight(port, '/page/1?latency=2000');

    const signalled = performance.now();
    run.child.kill('SIGTERM');
    expect(await exitWithin(run.exited, 5_000)).toMatchObject({ code: 0, signal: null });
    expect(performance.now() - signalled).toBeLessThan(5_000);
    await page.closed;
    const head = page.received().split('\r\n\r\n')[0]?.split('\r\n') ?? [];
    expect(head[0]).toBe('HTTP/1.1 200 OK');
    expect(head).toContain('Connection: close');
  });

  // A second signal during the drain (Ctrl-C pressed twice, SIGTERM then SIGINT) starts no
  // second stop: that one's close() fails at once (the server no longer listens), and its
  // callback's exit would cut the answer still in flight.
  it('on a second signal while draining, still answers the request in flight, then exits 0', async () => {
    const run = runNode([assertBuilt('main.js')], { PORT: '0', HOST: '127.0.0.1' });
    child = run.child;
    const { port } = JSON.parse(await run.firstLine) as { port: number };
    const page = await requestInFlight(port, '/page/1?latency=2000');

    run.child.kill('SIGTERM');
    await until(() => run.stdout().includes('"msg":"stopping"'), { what: 'the first stop' });
    run.child.kill('SIGINT');
    expect(await exitWithin(run.exited, 5_000)).toMatchObject({ code: 0, signal: null });
    await page.closed;
    expect(page.received().split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(run.stdout().match(/"msg":"stopping"/g)).toHaveLength(1);
  });

  it(`listens on the contract's port, ${UPSTREAM.port}, when PORT is unset or empty`, async () => {
    // Held here while the test runs (or by someone else already): either way upstream cannot
    // bind it, and its error names the port it tried. It never serves on the contract's port.
    await using _port = await holdPort(UPSTREAM.port);
    const run = runNode([assertBuilt('main.js')], { PORT: '', HOST: '127.0.0.1' });
    child = run.child;
    const exit = await exitWithin(run.exited, 10_000);
    expect(exit).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse((exit as Exit).stderr.trim())).toMatchObject({
      level: 'error',
      msg: expect.stringContaining(`EADDRINUSE: address already in use 127.0.0.1:${UPSTREAM.port}`),
    });
  });

  it('exits 1 with the error on stderr when its port is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as net.AddressInfo;
      const run = runNode([assertBuilt('main.js')], { PORT: String(port), HOST: '127.0.0.1' });
      child = run.child;
      const exit = await run.exited;
      expect(exit.code).toBe(1);
      expect(JSON.parse(exit.stderr.trim())).toMatchObject({
        level: 'error',
        service: 'upstream',
        msg: expect.stringContaining('EADDRINUSE'),
      });
    } finally {
      taken.close();
    }
  });

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
