import { parseArgsOnce } from '../src/command-args';

/** The caller's own usage error: the helper throws it, never a class of its own. */
class CommandUsageError extends Error {}

const options = {
  workers: { type: 'string' },
  quick: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  tag: { type: 'string', multiple: true },
} as const;

const parse = (args: string[], allowPositionals = false) =>
  parseArgsOnce({ args, options, allowPositionals }, CommandUsageError);

describe('parseArgsOnce', () => {
  it.each([
    [['--workers', '0', '--workers', '4'], 'Expected `--workers` once, got it twice'],
    [['--workers=0', '--workers', '4'], 'Expected `--workers` once, got it twice'],
    [['--quick', '--quick'], 'Expected `--quick` once, got it twice'],
    // `-h` and `--help` are one option: its tokens carry the long name.
    [['-h', '--help'], 'Expected `--help` once, got it twice'],
    [['-h', '-h'], 'Expected `--help` once, got it twice'],
    // Strict: what parseArgs itself refuses, in its words.
    [['--nope'], "Unknown option '--nope'"],
    [['stray'], "Unexpected argument 'stray'"],
  ])('refuses %j with the caller’s class: %s', (args, message) => {
    let refusal: unknown;
    try {
      parse(args);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(CommandUsageError);
    expect((refusal as Error).message).toContain(message);
  });

  it('negative control: each option given once passes, with its values and positionals', () => {
    const parsed = parse(['--workers', '4', '--quick', '-h', 'target'], true);
    expect(parsed.values).toEqual({ workers: '4', quick: true, help: true });
    expect(parsed.positionals).toEqual(['target']);
    expect(parse([]).values).toEqual({ quick: false, help: false });
  });

  // Repeating is what `multiple` is for; the rows above refuse a repeat of any other option.
  it('takes an option declared `multiple` as often as it is given, in order', () => {
    expect(parse(['--tag', 'a', '--tag=b', '--workers', '1', '--tag', 'a']).values).toEqual({
      tag: ['a', 'b', 'a'],
      workers: '1',
      quick: false,
      help: false,
    });
  });
});
