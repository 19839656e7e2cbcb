#!/usr/bin/env node
/**
 * lab: one command runs every model under the same load and writes the side-by-side report.
 * `npm start` runs it with its defaults; `lab --help` lists the options.
 */
import { workspaceRoot } from '@concurrency-lab/service-kit';
import { join, resolve } from 'node:path';
import { AutocannonDriver } from './drivers/autocannon-driver';
import { K6Driver } from './drivers/k6-driver';
import type { LoadDriver } from './drivers/load-driver';
import { Fleet } from './fleet';
import { parseLabOptions, USAGE } from './lab-options';
import { SUMMARY_HEADER, summaryRows, textTable } from './report/summary-rows';
import { writeReport } from './report/write-report';
import { runLab, selectScenarios } from './run-lab';
import { loadScenarioCatalog } from './scenario-catalog';

async function main(): Promise<number> {
  let options;
  try {
    options = parseLabOptions(process.argv.slice(2));
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

  const fleet = new Fleet();
  // Ctrl-C (or a SIGTERM from a CI runner) stops every service before the lab exits.
  const interrupt = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping every service…\n`);
    void fleet.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  try {
    // Progress goes to stderr so `--json` keeps stdout machine-readable.
    const report = await runLab({ options, catalog, driver, fleet, progress: process.stderr });
    await fleet.stop();
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
    process.stderr.write(`lab failed: ${(error as Error).stack ?? error}\n`);
    await fleet.stop();
    return 1;
  }
}

void main().then((code) => process.exit(code));
