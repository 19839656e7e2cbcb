#!/usr/bin/env node
/**
 * lab: one command runs every model under the same load and writes the side-by-side report.
 * `npm start` runs it with its defaults; `lab --help` lists the options. This file only
 * dispatches: each command is its own module.
 */
import { compareCommand } from './compare/compare-command';
import { runCommand } from './run-command';
import { sweepCommand } from './sweep/sweep-command';
import { up } from './up';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  up,
  compare: compareCommand,
  sweep: sweepCommand,
};

async function main(argv: string[]): Promise<number> {
  const command = argv[0] === undefined ? undefined : COMMANDS[argv[0]];
  return command ? command(argv.slice(1)) : runCommand(argv);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lab failed: ${String(error)}\n`);
    process.exit(1);
  },
);
