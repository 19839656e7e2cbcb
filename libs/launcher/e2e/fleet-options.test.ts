import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isAlive } from '@concurrency-lab/procfs';
import { liveChildren } from '@concurrency-lab/procfs/testing';
import {
  ADMISSION_OFF,
  Fleet,
  StartFailedError,
  type ExitStatus,
  type ServiceProcess,
} from '../src';
import { until } from '../src/testing';

// What the fleet's options reach (the start timeout, envFor, upstream's env), what it tells of
// an exit (onUnexpectedExit), and the order it stops in.

/** Preloaded into a service, holds its start a minute: it cannot listen in time. */
const HELD = { NODE_OPTIONS: `--require ${join(__dirname, 'fixtures', 'slow-start.js')}` };

/** What the start rejected with; a fleet that started all the same is stopped first. */
async function failedStart(options: Parameters<typeof Fleet.start>[0]): Promise<unknown> {
  return Fleet.start(options).then(
    async (fleet) => {
      await fleet.stop();
      return new Error('the fleet started');
    },
    (error: unknown) => error,
  );
}

describe('Fleet options', () => {
  it.each([
    ['a model', { upstream: false as const, modelEnv: HELD }, 'async-service'],
    ['upstream', { upstream: { env: HELD } }, 'upstream'],
  ])('passes startTimeoutMs to %s', async (_what, options, app) => {
    const error = await failedStart({ models: ['async'], startTimeoutMs: 1000, ...options });
    expect(error).toBeInstanceOf(StartFailedError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${app} did not log "listening" within 1000 ms`),
    );
    expect(liveChildren()).toEqual([]);
  });

  it("gives envFor's variables over modelEnv's", async () => {
    const error = await failedStart({
      models: ['threads'],
      upstream: false,
      modelEnv: { WORKERS: '1' },
      envFor: () => ({ WORKERS: '0' }),
    });
    expect(error).toBeInstanceOf(StartFailedError);
    expect((error as StartFailedError).output).toContain('WORKERS');
    expect(liveChildren()).toEqual([]);
  });

  it("keeps upstream's PORT its own, whatever its env says", async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const taken = (holder.address() as AddressInfo).port;
    try {
      const fleet = await Fleet.start({ models: [], upstream: { env: { PORT: String(taken) } } });
      const port = fleet.upstream?.port;
      await fleet.stop();
      expect(port).toBeGreaterThan(0);
      expect(port).not.toBe(taken);
    } finally {
      holder.close();
    }
  });
});

describe('Fleet, once up', () => {
  it('tells onUnexpectedExit of a service that exits, and of none that its stop ends', async () => {
    const exits: Array<[string, ExitStatus]> = [];
    const fleet = await Fleet.start({
      models: ['async', 'threads'],
      upstream: false,
      modelEnv: { WORKERS: '1', ...ADMISSION_OFF },
      onUnexpectedExit: (service, status) => exits.push([service.name, status]),
    });
    try {
      process.kill(fleet.service('async').pid, 'SIGKILL');
      await until(() => exits.length > 0, { what: 'onUnexpectedExit' });
    } finally {
      await fleet.stop();
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([['async-service', { code: null, signal: 'SIGKILL' }]]);
    expect(liveChildren()).toEqual([]);
  });

  it('stops upstream only once every model has exited: a draining model may still fetch from it', async () => {
    const fleet = await Fleet.start({ models: ['async', 'threads'] });
    const upstream = fleet.upstream as ServiceProcess;
    const upstreamAliveAtExit: boolean[] = [];
    for (const { service } of fleet.models) {
      void service.exited.then(() => upstreamAliveAtExit.push(isAlive(upstream.pid)));
    }
    await fleet.stop();
    expect(upstreamAliveAtExit).toEqual([true, true]);
    expect(isAlive(upstream.pid)).toBe(false);
    expect(liveChildren()).toEqual([]);
  });
});
