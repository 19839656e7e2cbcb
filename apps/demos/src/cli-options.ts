import type { Demo } from './demo';
import { UsageError } from './errors';
import { knobsFromText } from './knobs';

export const USAGE = `usage: npm run demo -- <name> [--<knob> <value> …] [--json]
                                             run one lesson and check it
       npm run demo -- <name> --help         its knobs: default, meaning, bounds
       npm run demo -- --list [--json]       the lessons and their knobs
       npm run demo -- --all [--json] [--out <dir>]
                                             run them all with their defaults;
                                             write the lessons report to
                                             <dir>/<timestamp>/ (default:
                                             reports)
Knobs are kebab-case, their value after a space or \`=\` (--thread-increments 1000
or --thread-increments=1000); a list is comma-separated (--pool-sizes 2,4).
Exit: 0 the lesson holds, 1 it does not hold here, 2 usage error, 3 an error
stopped the command (a report it could not write).`;

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'demo-help'; name: string }
  | { kind: 'list'; json: boolean }
  /** `options`: every knob's value, the defaults overridden by the flags, checked. */
  | { kind: 'one'; name: string; json: boolean; options: object }
  | { kind: 'all'; json: boolean; out: string | undefined };

/** What the parser needs of a demo: its name, and its knobs to read the flags with. */
export type CliDemo = Pick<Demo, 'name' | 'knobs' | 'options'>;

const SWITCHES = new Set(['--json', '--all', '--list', '--help']);

/**
 * The words of the command line: the switches given, `--out`, the knobs' flags, the names. An
 * option given twice is refused, as a knob given twice is (`-h` and `--help` are one).
 */
interface Words {
  switches: Set<string>;
  out: string | undefined;
  /** Each `--flag value` or `--flag=value` that is no switch: the named demo's to judge. */
  knobs: [flag: string, text: string | undefined][];
  positional: string[];
  /**
   * The first option given wrong (a switch with a value or twice, `--out` without a folder or
   * twice, an unknown `-x`): thrown unless `--help`, which wins over the line's options, is there.
   */
  misuse: UsageError | undefined;
}

function words(argv: readonly string[]): Words {
  const found: Words = {
    switches: new Set(),
    out: undefined,
    knobs: [],
    positional: [],
    misuse: undefined,
  };
  const misused = (message: string) => {
    found.misuse ??= new UsageError(message);
  };
  let outs = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    // A value follows its flag unless it is the next flag: `--workers -1` reads -1 (and
    // refuses it by its bounds), `--workers --json` has no value.
    const value = () => inline ?? (argv[i + 1]?.startsWith('--') === false ? argv[++i] : undefined);
    if (arg === '-h' || SWITCHES.has(flag)) {
      if (inline !== undefined) {
        misused(`Expected no value for \`${flag}\`, got \`${arg}\``);
        continue;
      }
      const name = arg === '-h' ? '--help' : flag;
      if (found.switches.has(name)) misused(`Expected \`${name}\` once, got it twice`);
      found.switches.add(name);
    } else if (flag === '--out') {
      if (++outs > 1) misused('Expected `--out` once, got it twice');
      const dir = value();
      if (dir === undefined || dir === '') {
        misused(
          `Expected \`--out\` to be followed by a directory, got ${dir === '' ? '`--out=`' : 'nothing'}`,
        );
      }
      found.out ??= dir;
    } else if (flag.startsWith('--')) {
      found.knobs.push([flag, value()]);
    } else if (arg.startsWith('-')) {
      misused(`Unknown option \`${arg}\``);
    } else {
      found.positional.push(arg);
    }
  }
  return found;
}

/**
 * Parses the command line (after `--`): any other `--flag` is a knob of the demo named, read
 * and checked against its declaration before anything runs.
 * @throws UsageError for an unknown option, a missing value, or nothing to do
 * @throws KnobError (a UsageError) for a knob the demo has not, or a value out of its bounds
 */
export function parseCli(argv: readonly string[], demos: readonly CliDemo[]): CliCommand {
  const { switches, out, knobs, positional, misuse } = words(argv);
  const names = demos.map((d) => d.name);
  const named = (name: string): CliDemo => {
    const demo = demos.find((d) => d.name === name);
    if (demo === undefined) {
      throw new UsageError(`Expected a demo name (${names.join(', ')}), got \`${name}\``);
    }
    return demo;
  };
  /** The demo named, if any: a second word is a usage error, with `--help` or without. */
  const oneName = (): string | undefined => {
    if (positional.length > 1)
      throw new UsageError(`Expected one demo name, got \`${positional.join(' ')}\``);
    return positional[0];
  };
  // Help wins over the rest of the line's options, as in most commands: `race --help
  // --loop-tasks abc` prints race's knobs (the bounds the bad value breaks) rather than an error
  // about it, and `race --help --out` prints them rather than ask for a folder. Not over stray
  // words, refused without it too: `--help race x` would print race's knobs for a line that no
  // run takes.
  if (switches.has('--help')) {
    const name = oneName();
    return name === undefined ? { kind: 'help' } : { kind: 'demo-help', name: named(name).name };
  }
  if (misuse !== undefined) throw misuse;
  if (switches.has('--list') && switches.has('--all')) {
    throw new UsageError('Expected one of `--list` and `--all`, got both');
  }
  if ((switches.has('--list') || switches.has('--all')) && knobs.length > 0) {
    throw new UsageError(
      `Expected no knobs with \`--list\` or \`--all\` (each demo has its own: \`npm run demo -- <name> --help\`), got \`${knobs[0]?.[0]}\``,
    );
  }
  const json = switches.has('--json');
  if (switches.has('--list')) {
    if (positional.length > 0) {
      throw new UsageError(
        `Expected no demo name with \`--list\`, got \`${positional.join(' ')}\``,
      );
    }
    if (out !== undefined) throw new UsageError('Expected `--out` only with `--all`');
    return { kind: 'list', json };
  }
  if (switches.has('--all')) {
    if (positional.length > 0) {
      throw new UsageError(`Expected no demo name with \`--all\`, got \`${positional.join(' ')}\``);
    }
    return { kind: 'all', json, out };
  }
  const name = oneName();
  if (name === undefined) {
    const [flag] = knobs[0] ?? [];
    throw new UsageError(
      flag === undefined
        ? 'Expected a demo name, `--list` or `--all`'
        : `Unknown option \`${flag}\` (a knob goes with a demo: \`npm run demo -- <name> ${flag} <value>\`)`,
    );
  }
  const demo = named(name);
  if (out !== undefined) throw new UsageError('Expected `--out` only with `--all`');
  return { kind: 'one', name, json, options: demo.options(knobsFromText(name, demo.knobs, knobs)) };
}
