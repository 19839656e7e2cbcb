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
import { UsageError } from './errors';
import type { Demo } from './demo';
import { wrap } from '@concurrency-lab/report-kit';
import { demoHelp, listText } from './help';
import { COLUMNS } from './render';
import { writeLessonsReport } from './report/write-lessons-report';
import { runDemo, type LessonRecord } from './run-demo';

async function main(argv: string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, DEMOS);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(
      `${wrap(`${error.code}: ${error.message}`, COLUMNS).join('\n')}\n\n${USAGE}\n`,
    );
    return 2;
  }
  switch (command.kind) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'demo-help':
      process.stdout.write(`${demoHelp(demoNamed(command.name) as Demo)}\n`);
      return 0;
    case 'list':
      process.stdout.write(`${listText(DEMOS)}\n`);
      return 0;
    case 'one': {
      const demo = demoNamed(command.name) as Demo;
      const out = command.json ? undefined : process.stdout;
      const record = await runDemo(demo, out, command.options);
      if (command.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      return record.result.verdict.holds ? 0 : 1;
    }
    case 'all': {
      const records: LessonRecord[] = [];
      for (const demo of DEMOS) {
        if (!command.json && records.length > 0) process.stdout.write('\n');
        records.push(await runDemo(demo, command.json ? undefined : process.stdout));
      }
      const dir = await writeLessonsReport(
        records,
        resolve(command.out ?? join(workspaceRoot(), 'reports')),
      );
      const held = records.filter((r) => r.result.verdict.holds).length;
      if (command.json) {
        process.stdout.write(`${JSON.stringify({ report: dir, lessons: records }, null, 2)}\n`);
      } else {
        process.stdout.write(`\n${held} of ${records.length} lessons hold; report: ${dir}\n`);
      }
      return held === records.length ? 0 : 1;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
