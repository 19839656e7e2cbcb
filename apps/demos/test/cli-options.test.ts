import { parseCli, USAGE, type CliCommand } from '../src/cli-options';
import { defineDemo, type Figures } from '../src/demo';
import { KnobError, UsageError } from '../src/errors';
import { integer, integers, type Knobs } from '../src/knobs';

/** Stand-ins with the knobs' two kinds; parsing never runs them. */
const stub = <P extends object>(name: string, knobs: Knobs<P>) =>
  defineDemo<P, Figures>({
    name,
    mirrors: name,
    describe: name,
    knobs,
    run: () => Promise.reject(new Error('parsing runs nothing')),
  });
const DEMOS = [
  stub('gil', { n: integer('fib(n).', { default: 30, min: 1, max: 34 }) }),
  stub('race', {
    loopTasks: integer('Tasks.', { default: 10, min: 1, max: 100 }),
    poolSizes: integers('Sizes.', { default: [4, 8], min: 1, max: 64, length: [1, 4] }),
  }),
];

/** The usage error `argv` gets: its code, and the flag at fault for a knob's. */
function refusal(argv: string[]): { code: string; flag?: string } {
  try {
    parseCli(argv, DEMOS);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const { code } = error as UsageError;
    return error instanceof KnobError ? { code, flag: error.flag } : { code };
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

const RACE_DEFAULTS = { loopTasks: 10, poolSizes: [4, 8] };

describe('parseCli', () => {
  it('reads one demo, with or without --json, with its knobs at their defaults', () => {
    expect(parseCli(['race'], DEMOS)).toEqual({
      kind: 'one',
      name: 'race',
      json: false,
      options: RACE_DEFAULTS,
    });
    expect(parseCli(['gil', '--json'], DEMOS)).toEqual({
      kind: 'one',
      name: 'gil',
      json: true,
      options: { n: 30 },
    });
  });

  it('reads knobs as `--flag value` or `--flag=value`, kebab-case, lists comma-separated, anywhere', () => {
    for (const argv of [
      ['race', '--loop-tasks', '100', '--pool-sizes', '2,64'],
      ['race', '--loop-tasks=100', '--pool-sizes=2,64'],
      ['--pool-sizes', '2,64', '--json', '--loop-tasks=100', 'race'],
    ]) {
      expect(parseCli(argv, DEMOS)).toMatchObject({
        name: 'race',
        options: { loopTasks: 100, poolSizes: [2, 64] },
      });
    }
    expect(parseCli(['gil', '--n', '1'], DEMOS)).toMatchObject({ options: { n: 1 } });
  });

  it('refuses a bad knob, naming its flag: out of bounds, not an integer, no value, twice, unknown', () => {
    const cases: [string[], string][] = [
      [['gil', '--n', '0'], '--n'],
      [['gil', '--n', '35'], '--n'],
      [['gil', '--n=-1'], '--n'],
      [['gil', '--n', '3.5'], '--n'],
      [['gil', '--n='], '--n'],
      [['gil', '--n'], '--n'],
      [['gil', '--n', '--json'], '--n'],
      [['race', '--pool-sizes', '4,'], '--pool-sizes'],
      [['race', '--pool-sizes', '1,2,3,4,5'], '--pool-sizes'],
      [['race', '--loop-tasks', '2', '--loop-tasks=3'], '--loop-tasks'],
      [['race', '--n', '3'], '--n'], // gil's knob, not race's
      [['race', '--loopTasks', '3'], '--loopTasks'],
    ];
    for (const [argv, flag] of cases) {
      expect([argv, refusal(argv)]).toEqual([argv, { code: 'ERR_DEMO_INVALID_KNOB', flag }]);
    }
  });

  it('reads --list, --help, a demo’s --help, and --all with its options', () => {
    expect(parseCli(['--list'], DEMOS)).toEqual({ kind: 'list', json: false });
    expect(parseCli(['--list', '--json'], DEMOS)).toEqual({ kind: 'list', json: true });
    expect(parseCli(['-h'], DEMOS)).toEqual({ kind: 'help' });
    expect(parseCli(['race', '--help'], DEMOS)).toEqual({ kind: 'demo-help', name: 'race' });
    expect(parseCli(['--help', 'gil'], DEMOS)).toEqual({ kind: 'demo-help', name: 'gil' });
    expect(parseCli(['--all'], DEMOS)).toEqual({ kind: 'all', json: false, out: undefined });
    expect(parseCli(['--all', '--json', '--out', '/tmp/r'], DEMOS)).toEqual({
      kind: 'all',
      json: true,
      out: '/tmp/r',
    });
    expect(parseCli(['--all', '--out=/tmp/r'], DEMOS)).toMatchObject({ out: '/tmp/r' });
  });

  it('lets --help win over the rest of the line, as most commands do, but not over a bad name', () => {
    expect(parseCli(['race', '--help', '--loop-tasks', 'abc'], DEMOS)).toEqual({
      kind: 'demo-help',
      name: 'race',
    });
    expect(refusal(['nope', '--help', '--loop-tasks', 'abc'])).toEqual({ code: 'ERR_DEMO_USAGE' });
    // Over the command's own options too, however wrong (each refused without --help below).
    for (const argv of [
      ['race', '--help', '--out'],
      ['race', '--out=', '--help'],
      ['--help', '--out', 'a', '--out', 'b'],
      ['race', '-h', '--json', '--json'],
      ['race', '--help', '--json=yes'],
      ['race', '--help', '-x'],
    ]) {
      const name = argv.includes('race') ? 'race' : undefined;
      expect([argv, parseCli(argv, DEMOS)]).toEqual([
        argv,
        name === undefined ? { kind: 'help' } : { kind: 'demo-help', name },
      ]);
      const without = argv.filter((a) => a !== '--help' && a !== '-h');
      expect([without, refusal(without)]).toEqual([without, { code: 'ERR_DEMO_USAGE' }]);
    }
  });

  it('refuses stray words with --help as without it, and reads one name or none', () => {
    // A second word is a usage error with --help as it is without (`race x`).
    for (const argv of [
      ['--help', 'race', 'x'],
      ['race', 'x', '--help'],
      ['-h', 'gil', 'race'],
      ['race', '--help', 'x', '--loop-tasks', 'abc'],
      ['race', 'x'],
    ]) {
      expect([argv, refusal(argv)]).toEqual([argv, { code: 'ERR_DEMO_USAGE' }]);
    }
    // The controls: one name or none, before or after --help, with or without options.
    const controls: [string[], CliCommand][] = [
      [['--help'], { kind: 'help' }],
      [['-h', '--json'], { kind: 'help' }],
      [['--help', 'race'], { kind: 'demo-help', name: 'race' }],
      [['gil', '-h'], { kind: 'demo-help', name: 'gil' }],
      [['race', '--help', '--loop-tasks', 'abc'], { kind: 'demo-help', name: 'race' }],
    ];
    for (const [argv, command] of controls) {
      expect([argv, parseCli(argv, DEMOS)]).toEqual([argv, command]);
    }
  });

  it('refuses an unknown name, nothing to do, stray arguments, and knobs with --all or --list', () => {
    for (const argv of [
      ['nope'],
      ['--fast'],
      ['-x'],
      [],
      ['gil', 'race'],
      ['--all', 'gil'],
      ['--all', '--out'],
      ['gil', '--out', 'x'],
      ['--json=yes', 'gil'],
      ['nope', '--help'],
      ['--all', '--n', '3'],
      ['--list', '--loop-tasks=3'],
      // Each option once, as each knob; --out with a folder; --list alone.
      ['--all', '--out='],
      ['--all', '--out', 'a', '--out', 'b'],
      ['--all', '--out=a', '--out=a'],
      ['gil', '--json', '--json'],
      ['--list', '--list'],
      ['--list', '--all'],
      ['--list', 'gil'],
      ['--list', '--out', 'x'],
    ]) {
      expect([argv, refusal(argv)]).toEqual([argv, { code: 'ERR_DEMO_USAGE' }]);
    }
  });

  it('gives a usage that fits 80 columns', () => {
    expect(USAGE.split('\n').filter((l) => l.length > 80)).toEqual([]);
  });
});
