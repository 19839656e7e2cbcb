#!/usr/bin/env node
/**
 * lab: one command runs every model under the same load and writes the side-by-side report.
 * `npm start` runs it with its defaults; `lab --help` lists the options.
 */
import { Fleet, onInterrupt, workspaceRoot } from '@concurrency-lab/launcher';
import { join, resolve } from 'node:path';
import { AutocannonDriver } from './drivers/autocannon-driver';
import { K6Driver } from './drivers/k6-driver';
import type { LoadDriver } from './drivers/load-driver';
import { parseLabOptions, USAGE } from './lab-options';
import { textTable } from '@concurrency-lab/report-kit';
import { SUMMARY_HEADER, summaryRows } from './report/summary-rows';
import { writeReport } from './report/write-report';
import { runLab, selectScenarios } from './run-lab';
import { loadScenarioCatalog } from './scenario-catalog';
import { up } from './up';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'up') return up(argv.slice(1));
  let options;
  try {
    options = parseLabOptions(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const root = workspaceRoot();
  const catalog = loadScenarioCatalog(root);
  try {
    selectScenarios(catalog, options.scenarios);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  let driver: LoadDriver;
  try {
    driver = options.driver === 'k6' ? new K6Driver(root) : new AutocannonDriver();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }

  // Ctrl-C (or a SIGTERM from a CI runner) stops every service before the lab exits, also while
  // they are still starting: the start is aborted and whatever started is stopped.
  const abort = new AbortController();
  let starting: Promise<Fleet> | undefined;
  const stopFleet = async () => {
    abort.abort();
    const fleet = await starting?.catch(() => undefined);
    await fleet?.stop();
  };
  onInterrupt(stopFleet, () => process.exit(130));

  try {
    // Progress goes to stderr so `--json` keeps stdout machine-readable.
    const report = await runLab({
      options,
      catalog,
      driver,
      progress: process.stderr,
      startFleet: ({ workers, upstreamEnv }) =>
        (starting = Fleet.start({
          models: options.models,
          upstream: { env: upstreamEnv },
          modelEnv: {
            WORKERS: String(workers),
            // The lab measures capacity: its own load must not be shed by the default bound.
            MAX_QUEUE: '100000',
            LOG_LEVEL: 'info',
          },
          signal: abort.signal,
        })),
    });
    await stopFleet();
    const dir = await writeReport(report, resolve(options.out ?? join(root, 'reports')));
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({
          report: dir,
          summary: report.scenarios.map((s) => ({
            scenario: s.id,
            verdict: s.verdict,
            results: s.results.map((r) => ({ model: r.model, ...r.summary })),
          })),
          lessons: report.lessons,
        })}\n`,
      );
    } else {
      process.stdout.write(`\n${textTable(SUMMARY_HEADER, summaryRows(report))}\n\n`);
      for (const l of report.lessons) {
        process.stdout.write(
          `${l.holds === null ? '—' : l.holds ? '✔' : '✘'} ${l.claim}: ${l.figures}\n`,
        );
      }
      process.stdout.write(
        `\nreport: ${join(dir, 'index.html')}\n        ${join(dir, 'report.md')}\n`,
      );
    }
    return 0;
  } catch (error) {
    process.stderr.write(`lab failed: ${(error as Error).stack ?? String(error)}\n`);
    await stopFleet();
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lab failed: ${String(error)}\n`);
    process.exit(1);
  },
);
