import { parseCli } from '../src/cli-options';
import { UsageError } from '../src/errors';

const NAMES = ['gil', 'race'];

function usageCode(argv: string[]): string | undefined {
  try {
    parseCli(argv, NAMES);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).code;
  }
}

describe('parseCli', () => {
  it('reads one demo, with or without --json', () => {
    expect(parseCli(['race'], NAMES)).toEqual({ kind: 'one', name: 'race', json: false });
    expect(parseCli(['gil', '--json'], NAMES)).toEqual({ kind: 'one', name: 'gil', json: true });
  });

  it('reads --list, --help and --all with its options', () => {
    expect(parseCli(['--list'], NAMES)).toEqual({ kind: 'list' });
    expect(parseCli(['-h'], NAMES)).toEqual({ kind: 'help' });
    expect(parseCli(['--all'], NAMES)).toEqual({ kind: 'all', json: false, out: undefined });
    expect(parseCli(['--all', '--json', '--out', '/tmp/r'], NAMES)).toEqual({
      kind: 'all',
      json: true,
      out: '/tmp/r',
    });
  });

  it('refuses an unknown name, an unknown option, nothing to do, and stray arguments', () => {
    for (const argv of [
      ['nope'],
      ['--fast'],
      [],
      ['gil', 'race'],
      ['--all', 'gil'],
      ['--all', '--out'],
      ['gil', '--out', 'x'],
    ]) {
      expect([argv, usageCode(argv)]).toEqual([argv, 'ERR_DEMO_USAGE']);
    }
  });
});
