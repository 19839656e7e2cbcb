import { UsageError } from './errors';

export const USAGE = `usage: npm run demo -- <name> [--json]     run one lesson and check it
       npm run demo -- --list                list the lessons
       npm run demo -- --all [--json] [--out <dir>]
                                             run them all; write the lessons report
                                             to <dir>/<timestamp>/ (default: reports)
Exit: 0 the lesson holds, 1 it does not hold here, 2 usage error.`;

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'one'; name: string; json: boolean }
  | { kind: 'all'; json: boolean; out: string | undefined };

/**
 * Parses the command line (after `--`).
 * @throws UsageError for an unknown option, a missing value, or nothing to do
 */
export function parseCli(argv: readonly string[], names: readonly string[]): CliCommand {
  let json = false;
  let all = false;
  let list = false;
  let out: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    else if (arg === '--json') json = true;
    else if (arg === '--all') all = true;
    else if (arg === '--list') list = true;
    else if (arg === '--out') {
      out = argv[++i];
      if (out === undefined || out.startsWith('--')) {
        throw new UsageError('Expected `--out` to be followed by a directory, got nothing');
      }
    } else if (arg.startsWith('-')) throw new UsageError(`Unknown option \`${arg}\``);
    else positional.push(arg);
  }
  if (list) return { kind: 'list' };
  if (all) {
    if (positional.length > 0) {
      throw new UsageError(`Expected no demo name with \`--all\`, got \`${positional.join(' ')}\``);
    }
    return { kind: 'all', json, out };
  }
  const [name, ...rest] = positional;
  if (name === undefined) throw new UsageError('Expected a demo name, `--list` or `--all`');
  if (rest.length > 0)
    throw new UsageError(`Expected one demo name, got \`${positional.join(' ')}\``);
  if (!names.includes(name)) {
    throw new UsageError(`Expected a demo name (${names.join(', ')}), got \`${name}\``);
  }
  if (out !== undefined) throw new UsageError('Expected `--out` only with `--all`');
  return { kind: 'one', name, json };
}
