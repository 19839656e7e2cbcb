/**
 * What every `lab` command refuses on its command line before anything starts: an option given
 * twice, a name left empty; and what `lab up` says of its port variables and of a port in use.
 */
import { thrown } from '@concurrency-lab/errors/testing';
import { StartFailedError } from '@concurrency-lab/launcher';
import { parseCompareOptions } from '../src/compare/compare-command';
import { parseLabOptions, USAGE } from '../src/lab-options';
import { parseSweepOptions, SWEEP_USAGE } from '../src/sweep/sweep-options';
import { PORT_TAKEN, portTakenText, up } from '../src/up';

/** What `write` printed on stderr while `run` ran, and what it answered. */
async function stderrOf<T>(run: () => T | Promise<T>): Promise<{ result: T; stderr: string }> {
  let stderr = '';
  const write = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
  try {
    return { result: await run(), stderr };
  } finally {
    write.mockRestore();
  }
}

describe('an option given twice', () => {
  // parseArgs keeps the last: `--models nope --models async` ran async, and said nothing.
  it.each([
    ['lab', ['--models', 'nope', '--models', 'async'], parseLabOptions, '--models'],
    ['lab', ['--duration', '0', '--duration=1'], parseLabOptions, '--duration'],
    ['lab', ['--quick', '--json', '--quick'], parseLabOptions, '--quick'],
    ['lab', ['-h', '--help'], parseLabOptions, '--help'],
    ['lab sweep', ['--repeats', '2', '--repeats', '3'], parseSweepOptions, '--repeats'],
    ['lab sweep', ['--out', 'a', '--out', 'b'], parseSweepOptions, '--out'],
    ['lab compare', ['a', 'b', '--out', 'x', '--out', 'y'], parseCompareOptions, '--out'],
    ['lab compare', ['a', 'b', '--json', '--json'], parseCompareOptions, '--json'],
  ] as const)('%s %j: refused, naming it', (_command, argv, parse, flag) => {
    expect(thrown(() => parse([...argv]))).toMatchObject({
      code: 'ERR_LAB_USAGE',
      message: `Expected \`${flag}\` once, got it twice`,
    });
  });

  it('lab up -h --help: refused with the usage, exit 2, nothing started', async () => {
    const { result, stderr } = await stderrOf(() => up(['-h', '--help']));
    expect(result).toBe(2);
    expect(stderr).toMatch(/^ERR_LAB_USAGE: Expected `--help` once, got it twice\n\nUsage: lab up/);
  });

  it('takes each option once, in either spelling (control)', () => {
    expect(parseLabOptions(['--duration=2', '--models', 'async'])).toMatchObject({
      durationSeconds: 2,
      models: ['async'],
    });
  });
});

describe('a name left empty', () => {
  // `--out=` was the current folder, silently; `--workload=` was refused naming the current
  // folder, a path the user never typed.
  it.each([
    ['lab', ['--out='], parseLabOptions, 'Expected `--out` to name a folder, got nothing'],
    ['lab', ['--out', ''], parseLabOptions, 'Expected `--out` to name a folder, got nothing'],
    ['lab sweep', ['--out='], parseSweepOptions, 'Expected `--out` to name a folder, got nothing'],
    [
      'lab compare',
      ['a', 'b', '--out='],
      parseCompareOptions,
      'Expected `--out` to name a folder, got nothing',
    ],
    [
      'lab',
      ['--workload='],
      parseLabOptions,
      'Expected `--workload` to name a module file, got nothing',
    ],
  ] as const)('%s %j: refused, naming the option', (_command, argv, parse, message) => {
    expect(thrown(() => parse([...argv]))).toMatchObject({ code: 'ERR_LAB_USAGE', message });
  });
});

describe('lab --driver', () => {
  it('names `--driver` when it is neither autocannon nor k6', () => {
    expect(thrown(() => parseLabOptions(['--driver', 'foo']))).toMatchObject({
      code: 'ERR_LAB_USAGE',
      message: 'Expected `--driver` to be autocannon or k6, got `foo`',
    });
  });
});

describe('--help on where reports go', () => {
  // The code writes under the repository's reports/ (workspaceRoot), wherever lab is run from:
  // `./reports` sent people looking in the folder they ran it from.
  it.each([
    ['lab', USAGE],
    ['lab sweep', SWEEP_USAGE],
  ])('%s says the repository’s reports/, not ./reports', (_command, usage) => {
    const out = usage.split('\n').find((line) => line.trimStart().startsWith('--out'));
    expect(out).toMatch(/default: <repo>\/reports$/);
    expect(usage).not.toContain('./reports');
  });
});

describe('lab up, a port variable it cannot use', () => {
  const saved = process.env['ASYNC_PORT'];
  afterEach(() => {
    if (saved === undefined) delete process.env['ASYNC_PORT'];
    else process.env['ASYNC_PORT'] = saved;
  });

  it('is refused as a usage error is: its code, exit 2, no stack, nothing started', async () => {
    process.env['ASYNC_PORT'] = 'abc';
    const { result, stderr } = await stderrOf(() => up([]));
    expect({ result, stderr }).toEqual({
      result: 2,
      stderr:
        'ERR_LAUNCH_INVALID_ARGUMENT: Expected `ASYNC_PORT` to be an integer from 0 to 65535, got `abc`\n',
    });
  });
});

describe('lab up, a port in use', () => {
  /** What async-service prints when its port is taken: its error, inspected, stack and all. */
  const printed = [
    'async-service failed to start: Error: listen EADDRINUSE: address already in use 127.0.0.1:3001',
    '    at Server.setupListenHandle [as _listen2] (node:net:2328:16)',
    '    at listenInCluster (node:net:2437:12)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:90:21) {',
    "  code: 'EADDRINUSE',",
    '  port: 3001',
    '}',
    '',
  ].join('\n');

  it('is said in the launcher’s line, the service’s words and the hint: no stack', () => {
    const error = new StartFailedError(
      'async-service exited ({"code":1,"signal":null}) before listening',
      { output: printed },
    );
    expect(portTakenText(error)).toBe(
      [
        'ERR_LAUNCH_START_FAILED: async-service exited ({"code":1,"signal":null}) before listening',
        'async-service failed to start: Error: listen EADDRINUSE: address already in use 127.0.0.1:3001',
        '',
        PORT_TAKEN,
      ].join('\n'),
    );
  });

  it('takes the words out of a JSON log line too (cluster-service logs with pino)', () => {
    const line = `{"level":60,"err":{"type":"Error","message":"listen EADDRINUSE: address already in use 127.0.0.1:3003","stack":"Error: listen EADDRINUSE: address already in use 127.0.0.1:3003\\n    at Server.setupListenHandle"},"msg":"cluster failed to start"}`;
    const error = new StartFailedError('cluster-service exited before listening', {
      output: `${line}\n`,
    });
    expect(portTakenText(error)?.split('\n')[1]).toBe(
      'listen EADDRINUSE: address already in use 127.0.0.1:3003',
    );
  });

  it('leaves any other failure to be said whole (control)', () => {
    const error = new StartFailedError('async-service exited before listening', {
      output: 'Expected `WORKERS` to be an integer, got `x`\n',
    });
    expect(portTakenText(error)).toBeUndefined();
  });
});
