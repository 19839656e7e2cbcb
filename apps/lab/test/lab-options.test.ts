import { MODEL_NAMES } from '@concurrency-lab/models';
import { parseLabOptions, UsageError } from '../src/lab-options';

const usage = (argv: string[]) => {
  try {
    parseLabOptions(argv);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('lab options', () => {
  it('defaults to every model, every scenario, 10 s runs and the autocannon driver', () => {
    expect(parseLabOptions([])).toMatchObject({
      models: MODEL_NAMES,
      scenarios: undefined,
      durationSeconds: 10,
      warmupSeconds: 2,
      driver: 'autocannon',
      json: false,
      quick: false,
    });
  });

  it('makes --quick short and lets --duration override it', () => {
    expect(parseLabOptions(['--quick'])).toMatchObject({
      durationSeconds: 2,
      warmupSeconds: 0.5,
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
    [['positional']],
  ])('refuses %j with a usage error', (argv) => {
    expect(usage(argv)).toBeInstanceOf(UsageError);
    expect(usage(argv)).toMatchObject({ code: 'ERR_LAB_USAGE' });
  });
});
