import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  appEntry,
  Fleet,
  launch,
  LaunchArgumentError,
  listeningPort,
  logRecords,
  NotBuiltError,
  portFromEnv,
  portOverridesFromEnv,
  StartFailedError,
  workspaceRoot,
  WorkspaceNotFoundError,
} from '../src';
import type { ModelName } from '@concurrency-lab/models';

/** The error `fn` throws (or rejects with), so tests can assert its code. */
async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, got none');
}

describe('listeningPort', () => {
  it('reads the port of a service’s `listening` log line', () => {
    expect(listeningPort('{"level":30,"msg":"listening","port":41234}')).toBe(41234);
  });

  it.each([
    ['another message', '{"msg":"worker listening","port":1}'],
    ['a port that is not a number', '{"msg":"listening","port":"1"}'],
    ['a line that is not JSON', 'listening on 3001'],
    ['a line that only starts like JSON', '{"msg":"listening",'],
  ])('ignores %s', (_what, line) => {
    expect(listeningPort(line)).toBeUndefined();
  });
});

describe('logRecords', () => {
  it('parses the JSON log lines of an output, oldest first, skipping every other line', () => {
    const output = [
      'ng","port":1}', // the end of a record the output limit cut: not a record
      '{"level":30,"msg":"listening","port":41234,"workerPids":[7,8]}',
      'Error: boom',
      '    at main (main.js:1:1)',
      '{"level":30,"msg":"worker listening","pid":7}',
      '{"msg":"cut',
      '',
    ].join('\n');
    expect(logRecords(output)).toEqual([
      { level: 30, msg: 'listening', port: 41234, workerPids: [7, 8] },
      { level: 30, msg: 'worker listening', pid: 7 },
    ]);
    expect(logRecords('')).toEqual([]);
  });
});

describe('the workspace', () => {
  it('is the folder holding nx.json', () => {
    expect(existsSync(join(workspaceRoot(), 'nx.json'))).toBe(true);
  });

  it('is not found from outside the repository', async () => {
    expect(await thrown(() => workspaceRoot('/'))).toBeInstanceOf(WorkspaceNotFoundError);
  });

  it('refuses an app that was never built, saying how to build it', async () => {
    const error = await thrown(() => appEntry('no-such-app'));
    expect(error).toMatchObject({ code: NotBuiltError.code });
    expect((error as Error).message).toContain('npm run build');
  });
});

describe('portOverridesFromEnv', () => {
  it('maps UPSTREAM_PORT and <MODEL>_PORT to their apps', () => {
    expect(
      portOverridesFromEnv({ UPSTREAM_PORT: '4100', THREADS_PORT: '4002', PATH: '/bin' }),
    ).toEqual({
      upstream: 4100,
      'threads-service': 4002,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(portOverridesFromEnv({ ASYNC_PORT: '' })).toEqual({});
  });

  it.each(['-1', '65536', '3.5', 'x'])('refuses %s, naming the variable', async (value) => {
    const error = await thrown(() => portOverridesFromEnv({ ASYNC_PORT: value }));
    expect(error).toMatchObject({ code: LaunchArgumentError.code });
    expect((error as Error).message).toContain('`ASYNC_PORT`');
  });
});

describe('portFromEnv', () => {
  it('reads a port, 0 included, and leaves an unset or empty variable undefined', () => {
    expect(portFromEnv({ P: '9091' }, 'P')).toBe(9091);
    expect(portFromEnv({ P: '0' }, 'P')).toBe(0);
    expect(portFromEnv({ P: '' }, 'P')).toBeUndefined();
    expect(portFromEnv({}, 'P')).toBeUndefined();
  });

  it.each(['abc', '65536', '-1', '0x10'])('refuses %s, naming the variable', async (value) => {
    const error = await thrown(() => portFromEnv({ PROMETHEUS_PORT: value }, 'PROMETHEUS_PORT'));
    expect(error).toMatchObject({ code: LaunchArgumentError.code });
    expect((error as Error).message).toContain('`PROMETHEUS_PORT`');
  });
});

describe('Fleet.start', () => {
  it('refuses a model the registry does not know before starting anything', async () => {
    const error = await thrown(() => Fleet.start({ models: ['nope' as ModelName] }));
    expect(error).toMatchObject({ code: LaunchArgumentError.code });
  });

  // The fleet would start the first and then fail the second (EADDRINUSE), or, a cluster, wait
  // out its start timeout. The control, distinct ports starting on them, is in the e2e tests.
  it.each<[string, Parameters<typeof Fleet.start>[0], string, string, number]>([
    [
      'two models given one port',
      {
        models: ['async', 'cluster'],
        upstream: false,
        portOverrides: { 'async-service': 4001, 'cluster-service': 4001 },
      },
      'async-service',
      'cluster-service',
      4001,
    ],
    [
      'a model given the contract port of upstream',
      { models: ['async'], ports: 'contract', portOverrides: { 'async-service': 3100 } },
      'upstream',
      'async-service',
      3100,
    ],
  ])('refuses %s before starting anything, naming both', async (_what, options, a, b, port) => {
    const error = await thrown(() => Fleet.start({ ...options, startTimeoutMs: 3000 }));
    expect(error).toMatchObject({ code: LaunchArgumentError.code });
    expect((error as Error).message).toBe(`\`${a}\` and \`${b}\` were both given port ${port}`);
  });

  // An unknown name was passed over in silence; a bad port reached PORT and failed only once
  // spawned. The control, overrides that start, is in the e2e tests.
  const started = '(async-service)';
  it.each<[string, Readonly<Record<string, number>>, string]>([
    [
      'a typo',
      { 'async-servce': 4001 },
      `names \`async-servce\`, which this fleet does not start ${started}`,
    ],
    ['a model', { async: 4001 }, `names \`async\`, which this fleet does not start ${started}`],
    [
      'an app left out',
      { 'cluster-service': 4001 },
      `names \`cluster-service\`, which this fleet does not start ${started}`,
    ],
    [
      'upstream left out',
      { upstream: 4100 },
      `names \`upstream\`, which this fleet does not start ${started}`,
    ],
    ['-1', { 'async-service': -1 }, 'of `async-service` to be an integer from 0 to 65535, got -1'],
    [
      '1.5',
      { 'async-service': 1.5 },
      'of `async-service` to be an integer from 0 to 65535, got 1.5',
    ],
    [
      'NaN',
      { 'async-service': NaN },
      'of `async-service` to be an integer from 0 to 65535, got NaN',
    ],
    [
      '70000',
      { 'async-service': 70000 },
      'of `async-service` to be an integer from 0 to 65535, got 70000',
    ],
    ['Infinity', { 'async-service': Infinity }, 'got Infinity'],
  ])(
    'refuses a port override of %s before starting anything',
    async (_what, portOverrides, says) => {
      // A fleet that starts all the same is stopped, not left running past a failed test.
      const error = await Fleet.start({
        models: ['async'],
        upstream: false,
        portOverrides,
        startTimeoutMs: 3000,
      }).then(
        (fleet) => fleet.stop(),
        (rejected: unknown) => rejected,
      );
      expect(error).toMatchObject({ code: LaunchArgumentError.code });
      expect((error as Error).message).toContain(says);
    },
  );

  it('refuses an already-aborted start before starting anything', async () => {
    const reason = new Error('interrupted');
    expect(await thrown(() => Fleet.start({ signal: AbortSignal.abort(reason) }))).toBe(reason);
  });
});

describe('launch', () => {
  it('rejects with StartFailedError when the process cannot be spawned (a missing cwd), instead of dying of the unhandled error', async () => {
    // Spawning fails before the entry is looked at: any path does.
    const error = await thrown(() =>
      launch(__filename, {
        name: 'nowhere',
        cwd: '/nonexistent/launcher-test',
        startTimeoutMs: 5000,
      }),
    );
    expect(error).toBeInstanceOf(StartFailedError);
    expect(error).toMatchObject({ code: StartFailedError.code, cause: { code: 'ENOENT' } });
    expect((error as Error).message).toMatch(/^nowhere could not be started: spawn .* ENOENT/);
  });

  it('spawns nothing when its signal is already aborted', async () => {
    const reason = new Error('interrupted');
    const error = await thrown(() =>
      launch('/nonexistent/entry.js', { signal: AbortSignal.abort(reason) }),
    );
    expect(error).toBe(reason);
  });
});
