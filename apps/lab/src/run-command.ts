import { Fleet, onInterrupt, workspaceRoot } from '@concurrency-lab/launcher';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { AutocannonDriver } from './drivers/autocannon-driver';
import { K6Driver } from './drivers/k6-driver';
import type { LoadDriver } from './drivers/load-driver';
import { ensureFileLimit } from './file-limit';
import { commandOptions } from './command-options';
import { parseLabOptions, USAGE } from './lab-options';
import type { Report } from './report/report-schema';
import { textTable } from '@concurrency-lab/report-kit';
import { SUMMARY_HEADER, SUMMARY_NOTE, summaryRows } from './report/summary-rows';
import { whereWritten } from './report/where-written';
import { writeReport } from './report/write-report';
import { runLab, selectScenarios } from './run-lab';
import { fail, isPlainError, refuse } from './refuse';
import { ServiceDiedError } from './errors';
import { checkOutFolder, notWritten } from './out-folder';
import { ServiceWatch } from './service-watch';
import { loadScenarioCatalog, measuredServiceEnv, upstreamEnv } from './scenario-catalog';
import { connectTargets, readWorkers, type LabTarget } from './targets';
import { isLoopback } from './loopback';
import { probeWorkload, type WorkloadProbe } from './workload/probe-workload';
import { checkWorkloadRoute } from './workload/check-workload-route';
import { workloadScenarios, type LabScenario } from './workload/workload-scenarios';
import { collectionNodeOptions } from './full-collection';

/** `lab [options]`: the comparison run. Answers the process's exit code. */
export async function runCommand(argv: string[]): Promise<number> {
  const options = commandOptions(argv, parseLabOptions, USAGE);
  if (typeof options === 'number') return options;
  const root = workspaceRoot();
  let scenarios: LabScenario[];
  let probe: WorkloadProbe | undefined;
  let driver: LoadDriver;
  let catalog;
  let outRoot: string;
  try {
    catalog = loadScenarioCatalog(root);
    // Checked before anything starts: a broken module never costs a service start.
    if (options.workload) probe = await probeWorkload(options.workload);
    // `--scenarios` picks from the catalog's and, with a workload, the workload's own.
    scenarios = selectScenarios(
      [...catalog.scenarios, ...(probe ? workloadScenarios(probe, catalog.scenarios) : [])],
      options.scenarios,
    );
    driver = options.driver === 'k6' ? new K6Driver(root) : new AutocannonDriver();
    // A `--out` that cannot take the report is refused now, not after the whole run. Checked,
    // not made: the report's writer makes it, so a run that ends without a report (refused for
    // its options or its targets, a service that died) leaves no empty folder behind.
    outRoot = checkOutFolder(resolve(options.out ?? join(root, 'reports')));
  } catch (error) {
    return refuse(error);
  }
  const most = Math.max(
    ...scenarios.map((s) =>
      s.streams.reduce(
        (n, x) => n + ((x.measure ? options.connections : undefined) ?? x.connections),
        0,
      ),
    ),
  );
  const fileLimit = ensureFileLimit(most);

  // Ctrl-C (or a SIGTERM from a CI runner) stops every service before the lab exits, also while
  // they are still starting: the start is aborted and whatever started is stopped.
  const abort = new AbortController();
  let starting: Promise<Fleet> | undefined;
  let fleet: Fleet | undefined;
  // A service that exits while the run measures ends the run (see ServiceWatch).
  const watch = new ServiceWatch();
  const stopFleet = async () => {
    abort.abort();
    await (await starting?.catch(() => undefined))?.stop();
  };
  onInterrupt(stopFleet, () => process.exit(130));

  const startTargets = async (): Promise<LabTarget[]> => {
    let targets: LabTarget[];
    if (options.targets) {
      targets = await connectTargets(options.targets);
    } else {
      starting = Fleet.start({
        models: options.models,
        upstream: { env: upstreamEnv(catalog) },
        modelEnv: {
          WORKERS: String(options.workers),
          // Capacity: neither the pending-work bound nor event-loop admission sheds (see
          // scenarios.json's `serviceEnv`; shedding is what `npm run chaos` measures).
          ...measuredServiceEnv(catalog),
          LOG_LEVEL: 'info',
          ...(probe ? { LAB_WORKLOAD: probe.path } : {}),
          // The live heap is read after a full collection the lab asks each process for.
          NODE_OPTIONS: collectionNodeOptions(process.env['NODE_OPTIONS']),
        },
        signal: abort.signal,
        onUnexpectedExit: watch.onUnexpectedExit,
      });
      const started = await starting;
      fleet = started;
      targets = await Promise.all(
        started.models.map(async ({ model, service }) => ({
          model,
          url: service.url,
          pid: service.pid,
          workers: await readWorkers(service.url).catch(() => null),
        })),
      );
    }
    if (probe) await checkWorkloadRoute(targets);
    return targets;
  };

  try {
    // Awaited before the run: whether a target is this machine takes resolving its name (the
    // machine's own hostname is no address to compare).
    const sharedCores = options.targets
      ? (await Promise.all(Object.values(options.targets).map((url) => isLoopback(url)))).every(
          Boolean,
        )
      : true;
    // Progress goes to stderr so `--json` keeps stdout machine-readable.
    const running = runLab({
      options,
      scenarios,
      driver,
      progress: process.stderr,
      startTargets,
      run: {
        mode: options.targets ? 'targets' : 'local',
        targets: options.targets ?? null,
        sharedCores,
        fileLimit,
        workload: probe
          ? {
              path: probe.path,
              describe: probe.describe,
              inputs: probe.inputs,
              probeMs: probe.probeMs,
            }
          : null,
      },
    });
    const report = await Promise.race([running, watch.died]);
    watch.check(fleet);
    await stopFleet();
    let dir: string;
    try {
      dir = await writeReport(report, outRoot);
    } catch (error) {
      return fail(notWritten('report', outRoot, error));
    }
    print(report, dir, options.json);
    return 0;
  } catch (error) {
    await stopFleet();
    if (error instanceof ServiceDiedError) return fail(error);
    if (isPlainError(error)) return refuse(error);
    process.stderr.write(`lab failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

function print(report: Report, dir: string, json: boolean): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        report: dir,
        mode: report.run.mode,
        choose: report.choose,
        summary: report.scenarios.map((s) => ({
          scenario: s.id,
          verdict: s.verdict,
          results: s.results.map((r) => ({ model: r.model, ...r.summary })),
        })),
        lessons: report.lessons,
      })}\n`,
    );
    return;
  }
  const out = [
    '',
    textTable(SUMMARY_HEADER, summaryRows(report)),
    SUMMARY_NOTE,
    '',
    `What to choose on this machine (${cpus().length} cores):`,
    ...report.choose.map((line) => `  ${line}`),
    '',
    ...report.lessons.map(
      (l) => `${l.holds === null ? '—' : l.holds ? '✔' : '✘'} ${l.claim}: ${l.figures}`,
    ),
    '',
    ...whereWritten('report', dir, 'report.md'),
    '',
  ];
  process.stdout.write(out.join('\n'));
}
