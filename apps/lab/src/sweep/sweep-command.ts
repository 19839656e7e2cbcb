import { onInterrupt, workspaceRoot, type Fleet } from '@concurrency-lab/launcher';
import { folderStamp, renderCharts, writeReportFolder } from '@concurrency-lab/report-kit';
import { join, resolve } from 'node:path';
import { commandOptions } from '../command-options';
import { AutocannonDriver } from '../drivers/autocannon-driver';
import { ensureFileLimit } from '../file-limit';
import { ServiceDiedError } from '../errors';
import { checkOutFolder, notWritten } from '../out-folder';
import { fail, isPlainError, refuse } from '../refuse';
import { whereWritten } from '../report/where-written';
import { selectScenarios } from '../run-lab';
import { loadScenarioCatalog } from '../scenario-catalog';
import { runSweep } from './run-sweep';
import { sweepCharts, sweepHtml, sweepMarkdown } from './sweep-page';
import { parseSweepOptions, SWEEP_USAGE } from './sweep-options';
import { sweepSchema } from './sweep-schema';

/** `lab sweep`: the sizing curve of the pooled models, and where its knee is. */
export async function sweepCommand(argv: string[]): Promise<number> {
  const options = commandOptions(argv, parseSweepOptions, SWEEP_USAGE);
  if (typeof options === 'number') return options;
  let scenario;
  const root = workspaceRoot();
  let catalog;
  let outRoot: string;
  try {
    catalog = loadScenarioCatalog(root);
    [scenario] = selectScenarios(catalog.scenarios, [options.scenario], 'scenario');
    // A `--out` that cannot take the sweep is refused now, not after every size has run. Checked,
    // not made: the sweep's writer makes it, so a sweep that ends without one leaves no empty
    // folder behind.
    outRoot = checkOutFolder(resolve(options.out ?? join(root, 'reports')));
  } catch (error) {
    return refuse(error, SWEEP_USAGE);
  }
  if (!scenario) return 2;
  ensureFileLimit(scenario.streams.reduce((n, s) => n + s.connections, 0));

  const abort = new AbortController();
  let current: Promise<Fleet> | undefined;
  const stop = async () => {
    abort.abort();
    await (await current?.catch(() => undefined))?.stop();
  };
  onInterrupt(stop, () => process.exit(130));
  try {
    const sweep = sweepSchema.parse(
      await runSweep({
        options,
        scenario,
        catalog,
        driver: new AutocannonDriver(),
        progress: process.stderr,
        signal: abort.signal,
        onFleet: (fleet) => {
          current = fleet;
        },
      }),
    );
    let dir: string;
    try {
      dir = writeReportFolder(join(outRoot, `sweep-${folderStamp(sweep.createdAt)}`), {
        'sweep.json': sweep,
        'sweep.md': sweepMarkdown(sweep),
        'index.html': sweepHtml(sweep, await renderCharts(sweepCharts(sweep))),
      });
    } catch (error) {
      return fail(notWritten('sweep', outRoot, error));
    }
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ sweep: dir, line: sweep.line, knees: sweep.knees })}\n`
        : [
            '',
            sweep.line,
            ...sweep.knees.map((k) => `  ${k.line}`),
            '',
            ...whereWritten('sweep', dir, 'sweep.md'),
            '',
          ].join('\n'),
    );
    return 0;
  } catch (error) {
    await stop();
    if (error instanceof ServiceDiedError) return fail(error);
    if (isPlainError(error)) return refuse(error);
    process.stderr.write(`lab sweep failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
