import { refuse } from './refuse';

/**
 * A command's options, or the exit code it ends with before doing anything: 0 once `--help` has
 * printed its usage, 2 once options it cannot use have been refused (with the usage, see
 * refuse.ts). Every `lab` command starts this way.
 */
export function commandOptions<T extends object>(
  argv: string[],
  parse: (argv: string[]) => T | 'help',
  usage: string,
): T | number {
  let options: T | 'help';
  try {
    options = parse(argv);
  } catch (error) {
    return refuse(error, usage);
  }
  if (options === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return options;
}
