import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { childrenOf, isAlive } from '@concurrency-lab/procfs';
import { ADMISSION_OFF, Fleet, launch, StartFailedError, type ServiceProcess } from '../src';
import { until } from '../src/testing';

/** This process's children still running: what a test must leave behind is none. */
const childPids = () => (childrenOf(process.pid) ?? []).filter(isAlive);

const fixture = (name: string) => join(__dirname, 'fixtures', `${name}.js`);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('launch', () => {
  it('resolves once the process logs `listening`, on the port it chose, and stops it cleanly', async () => {
    const service = await launch(fixture('listens'), { name: 'listens' });
    expect(await (await fetch(service.url)).text()).toBe('ok');
    expect(service.port).toBeGreaterThan(0);
    expect(await service.stop()).toEqual({ code: 0, signal: null });
    expect(isAlive(service.pid)).toBe(false);
  });

  it('rejects with what the process printed when it exits before listening', async () => {
    const error = await rejection(launch(fixture('exits'), { name: 'exits' }));
    expect(error).toBeInstanceOf(StartFailedError);
    expect(error).toMatchObject({ code: 'ERR_LAUNCH_START_FAILED' });
    expect((error as StartFailedError).output).toContain('WORKERS');
    expect(childPids()).toEqual([]);
  });

  it('kills a process that stays silent past its start timeout', async () => {
    const error = await rejection(launch(fixture('silent'), { startTimeoutMs: 300 }));
    expect(error).toMatchObject({ code: 'ERR_LAUNCH_START_FAILED' });
    // The kill is sent before the rejection; wait for the exit to be reaped.
    await until(() => childPids().length === 0, { what: 'the child to be reaped' });
    expect(childPids()).toEqual([]);
  });

  it('SIGKILLs a process that ignores SIGTERM once the kill timeout passes', async () => {
    const service = await launch(fixture('stubborn'));
    expect(await service.stop('SIGTERM', 200)).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('negative control: a process that honours SIGTERM is never SIGKILLed', async () => {
    const service = await launch(fixture('listens'));
    expect(await service.stop('SIGTERM', 200)).toEqual({ code: 0, signal: null });
  });

  it('stops a starting process when its signal aborts, and rejects with the reason once it is gone', async () => {
    const abort = new AbortController();
    const reason = new Error('interrupted');
    // A start timeout well past the test's: only the abort can end this start in time.
    const starting = rejection(
      launch(fixture('silent'), { signal: abort.signal, startTimeoutMs: 60_000 }),
    );
    await until(() => childPids().length === 1, { what: 'the process to be spawned' });
    abort.abort(reason);
    expect(await starting).toBe(reason);
    expect(childPids()).toEqual([]);
  });
});

describe('Fleet', () => {
  it('starts upstream, then the models pointed at it, on free ports, and stops them all', async () => {
    const fleet = await Fleet.start({
      models: ['async'],
      modelEnv: { WORKERS: '1', ...ADMISSION_OFF },
    });
    const pids: number[] = [];
    try {
      const upstream = fleet.upstream as ServiceProcess;
      const service = fleet.service('async');
      pids.push(upstream.pid, service.pid);
      expect(fleet.models.map((m) => [m.model, m.app])).toEqual([['async', 'async-service']]);
      // The model scrapes *this* upstream: its URL was handed over in UPSTREAM_URL.
      const scrape = (await (await fetch(`${service.url}/io/scrape?pages=2`)).json()) as {
        result: Array<{ url: string }>;
      };
      expect(scrape.result.map((p) => p.url)).toEqual([
        `${upstream.url}/page/1`,
        `${upstream.url}/page/2`,
      ]);
    } finally {
      await fleet.stop();
    }
    expect(pids.map(isAlive)).toEqual([false, false]);
    expect(childPids()).toEqual([]);
  });

  it('stops everything it started when a model fails to start, and rethrows', async () => {
    const error = await rejection(
      Fleet.start({
        models: ['async', 'threads'],
        envFor: (model): Record<string, string> => (model === 'threads' ? { WORKERS: '0' } : {}),
      }),
    );
    expect(error).toMatchObject({ code: 'ERR_LAUNCH_START_FAILED' });
    expect((error as StartFailedError).message).toContain('threads-service');
    expect(childPids()).toEqual([]);
  });

  it('negative control: with a valid WORKERS the same fleet starts', async () => {
    const fleet = await Fleet.start({ models: ['async', 'threads'], upstream: false });
    try {
      expect(fleet.models.map((m) => m.model)).toEqual(['async', 'threads']);
      expect(childPids()).toHaveLength(2);
    } finally {
      await fleet.stop();
    }
  });

  it('stops the service starting now when its signal aborts, at once, and rejects with the reason', async () => {
    const abort = new AbortController();
    const reason = new Error('interrupted');
    const starting = rejection(
      Fleet.start({
        models: ['async'],
        upstream: false,
        // The service is held a minute before it can listen, past this start timeout: before,
        // the abort was seen only once this launch ended — here with StartFailedError after 15 s.
        modelEnv: { NODE_OPTIONS: `--require ${fixture('slow-start')}` },
        startTimeoutMs: 15_000,
        signal: abort.signal,
      }),
    );
    await until(() => childPids().length === 1, { what: 'the service to be spawned' });
    const [pid] = childPids() as [number];
    abort.abort(reason);
    expect(await starting).toBe(reason);
    expect(isAlive(pid)).toBe(false);
    expect(childPids()).toEqual([]);
  }, 30_000);

  it('leaves nothing behind when the tool that started it gets SIGTERM (Ctrl-C does the same)', async () => {
    const tool = spawn(process.execPath, [fixture('fleet-until-signal')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    tool.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    while (!stdout.includes('fleet up')) await once(tool.stdout, 'data');
    const { pids } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { pids: number[] };
    expect(pids.map(isAlive)).toEqual([true, true]);
    tool.kill('SIGTERM');
    const [code] = (await once(tool, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(pids.map(isAlive)).toEqual([false, false]);
  });
});
