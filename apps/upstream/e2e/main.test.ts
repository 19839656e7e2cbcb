import type { ChildProcess } from 'node:child_process';
import { assertBuilt, killIfRunning, runNode } from './run-dist';

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
