import { thrown } from '@concurrency-lab/errors/testing';
import { MODEL_NAMES } from '@concurrency-lab/models';
import { parseLabOptions, UsageError } from '../src/lab-options';
import { selectScenarios } from '../src/run-lab';

const usage = (argv: string[]) => thrown(() => parseLabOptions(argv));

describe('lab options', () => {
  it('defaults to every model, every scenario, 10 s runs and the autocannon driver', () => {
    expect(parseLabOptions([])).toMatchObject({
      models: [...MODEL_NAMES],
      scenarios: undefined,
      durationSeconds: 10,
      warmupSeconds: 2,
      sampleIntervalMs: 1000,
      targets: undefined,
      workload: undefined,
      driver: 'autocannon',
      json: false,
      quick: false,
    });
  });

  it('makes --quick short and lets --duration override it', () => {
    expect(parseLabOptions(['--quick'])).toMatchObject({
      durationSeconds: 1,
      warmupSeconds: 0.25,
      sampleIntervalMs: 250,
      quick: true,
    });
    expect(parseLabOptions(['--quick', '--duration', '3'])).toMatchObject({ durationSeconds: 3 });
  });

  it('parses lists and numbers', () => {
    expect(
      parseLabOptions([
        '--models',
        'async,cluster',
        '--scenarios',
        'cpu',
        '--rate',
        '50',
        '--connections',
        '4',
        '--workers',
        '3',
        '--json',
      ]),
    ).toMatchObject({
      models: ['async', 'cluster'],
      scenarios: ['cpu'],
      rate: 50,
      connections: 4,
      workers: 3,
      json: true,
    });
  });

  it('takes --targets as the models to drive, in registry order, starting nothing', () => {
    expect(
      parseLabOptions(['--targets', 'threads=http://10.0.0.2:3002/,async=http://127.0.0.1:3001']),
    ).toMatchObject({
      models: ['async', 'threads'],
      workers: undefined,
      targets: { async: 'http://127.0.0.1:3001', threads: 'http://10.0.0.2:3002' },
    });
  });

  it('resolves --workload to an absolute path', () => {
    expect(parseLabOptions(['--workload', 'my-work.mjs'])).toMatchObject({
      workload: expect.stringMatching(/^\/.*\/my-work\.mjs$/),
    });
  });

  it('answers help', () => {
    expect(parseLabOptions(['--help'])).toBe('help');
  });

  it.each([
    [['--models', 'async,fibers']],
    [['--models', '']],
    [['--duration', '0']],
    [['--duration', 'ten']],
    [['--connections', '1.5']],
    [['--driver', 'wrk']],
    [['--bogus']],
    [['--targets', 'async']],
    [['--targets', 'fibers=http://127.0.0.1:1']],
    [['--targets', 'async=ftp://127.0.0.1:1']],
    [['--targets', 'async=http://a:1,async=http://b:1']],
    [['--targets', 'async=http://a:1', '--workers', '2']],
    [['--targets', 'async=http://a:1', '--models', 'async']],
    [['--workload', 'w.mjs', '--driver', 'k6']],
    [['--rate', '100', '--driver', 'k6']],
    [['--connections', '4', '--driver', 'k6']],
    [['--rate', '2.5']],
    [['positional']],
  ])('refuses %j with a usage error', (argv) => {
    expect(usage(argv)).toBeInstanceOf(UsageError);
    expect(usage(argv)).toMatchObject({ code: 'ERR_LAB_USAGE' });
  });
});

describe('lab options, each value once and a window long enough', () => {
  it('refuses a model named twice', () => {
    expect(usage(['--models', 'async,threads,async'])).toMatchObject({
      code: 'ERR_LAB_USAGE',
      message:
        'Expected `--models` to name each value once; `async` is named twice, got `async,threads,async`',
    });
  });

  it('refuses a measurement shorter than its documented minimum of 1 s', () => {
    expect(usage(['--duration', '0.0001'])).toMatchObject({
      code: 'ERR_LAB_USAGE',
      message: 'Expected `--duration` to be at least 1 (seconds), got `0.0001`',
    });
    expect(parseLabOptions(['--duration', '1'])).toMatchObject({ durationSeconds: 1 });
  });

  it.each([
    ['--workers', 256],
    ['--duration', 3600],
    ['--connections', 10_000],
    ['--rate', 1_000_000],
  ] as const)('refuses %s past its bound of %i, and takes the bound itself', (option, bound) => {
    expect(usage([option, String(bound + 1)])).toMatchObject({
      code: 'ERR_LAB_USAGE',
      message: `Expected \`${option}\` to be at most ${bound}, got \`${bound + 1}\``,
    });
    expect(() => parseLabOptions([option, String(bound)])).not.toThrow();
  });

  it('names the option the user gave when a scenario is unknown', () => {
    const all = [{ id: 'cpu' }, { id: 'io' }] as never[];
    expect(thrown(() => selectScenarios(all, ['nope'], 'scenario'))).toMatchObject({
      code: 'ERR_LAB_USAGE',
      message: 'Expected `--scenario` from cpu, io; got `nope`',
    });
  });
});
