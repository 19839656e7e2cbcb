#!/usr/bin/env node
/**
 * demo: the guide's lessons, run and checked. `npm run demo -- --list` lists them,
 * `npm run demo -- <name>` runs one, `npm run demo -- --all` runs every one and writes the
 * lessons report. `--help` gives the usage, `<name> --help` a demo's knobs, which
 * `--<knob> <value>` turns (`npm run demo -- race --thread-increments 100000`).
 */
import { workspaceRoot } from '@concurrency-lab/launcher';
import { join, resolve } from 'node:path';
import { DEMOS, demoNamed } from './catalog';
import { parseCli, USAGE, type CliCommand } from './cli-options';
import { OutputError, UsageError } from './errors';
import type { Demo } from './demo';
import { wrap } from '@concurrency-lab/report-kit';
import { demoHelp, listJson, listText } from './help';
import { COLUMNS } from './render';
import { writeLessonsReport } from './report/write-lessons-report';
import { checkOutFolder } from './out-folder';
import { runDemo, type LessonRecord } from './run-demo';
import { removeTempDirs } from './temp-dir';

/**
 * The exit statuses USAGE gives: done (the lesson holds), it does not hold, bad usage, an error.
 */
const EXIT = { ok: 0, notHeld: 1, usage: 2, error: 3 } as const;

/** `ERR_…: message`, wrapped: what the command prints of an error it expected, never a stack. */
const errorLine = (code: string, message: string): string =>
  `${wrap(`${code}: ${message}`, COLUMNS).join('\n')}\n`;

/**
 * The reader of stdout left (`demos race | head -1`): end as any writer to a closed pipe does,
 * by SIGPIPE (a shell says 141), quietly and leaving no temp folder. Node ignores SIGPIPE; a
 * listener added and removed gives it back its default action.
 */
function endByBrokenPipe(): never {
  removeTempDirs();
  const ignore = () => undefined;
  process.on('SIGPIPE', ignore);
  process.off('SIGPIPE', ignore);
  process.kill(process.pid, 'SIGPIPE');
  return process.exit(128 + 13); // if the signal has not ended it already
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') endByBrokenPipe();
  process.stderr.write(errorLine(error.code ?? OutputError.code, error.message));
  process.exit(EXIT.error);
});

async function main(argv: string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, DEMOS);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${errorLine(error.code, error.message)}\n${USAGE}\n`);
    return EXIT.usage;
  }
  switch (command.kind) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    case 'demo-help':
      process.stdout.write(`${demoHelp(demoNamed(command.name) as Demo)}\n`);
      return EXIT.ok;
    case 'list':
      process.stdout.write(
        command.json ? `${JSON.stringify(listJson(DEMOS), null, 2)}\n` : `${listText(DEMOS)}\n`,
      );
      return EXIT.ok;
    case 'one': {
      const demo = demoNamed(command.name) as Demo;
      const out = command.json ? undefined : process.stdout;
      const record = await runDemo(demo, out, command.options);
      if (command.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      return record.result.verdict.holds ? EXIT.ok : EXIT.notHeld;
    }
    case 'all': {
      const root = resolve(command.out ?? join(workspaceRoot(), 'reports'));
      // Before a minute of demos, not after: where the report goes must take it.
      try {
        checkOutFolder(root, command.out ?? root);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        process.stderr.write(errorLine(error.code, error.message));
        return EXIT.usage;
      }
      const records: LessonRecord[] = [];
      for (const demo of DEMOS) {
        if (!command.json && records.length > 0) process.stdout.write('\n');
        records.push(await runDemo(demo, command.json ? undefined : process.stdout));
      }
      const dir = await writeLessonsReport(records, root);
      const held = records.filter((r) => r.result.verdict.holds).length;
      if (command.json) {
        process.stdout.write(`${JSON.stringify({ report: dir, lessons: records }, null, 2)}\n`);
      } else {
        process.stdout.write(`\n${held} of ${records.length} lessons hold; report: ${dir}\n`);
      }
      return held === records.length ? EXIT.ok : EXIT.notHeld;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    // An error with a code is one the command can meet (a report it could not write, a build
    // missing): its code and message. A stack only for what is none of those: a bug.
    const code = (error as { code?: unknown } | null)?.code;
    process.stderr.write(
      error instanceof Error && typeof code === 'string'
        ? errorLine(code, error.message)
        : `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = EXIT.error;
  },
);
