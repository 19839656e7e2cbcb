import { onInterrupt, workspaceRoot, type Fleet } from '@concurrency-lab/launcher';
import { renderCharts } from '@concurrency-lab/report-kit';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AutocannonDriver } from '../drivers/autocannon-driver';
import { ensureFileLimit } from '../file-limit';
import { refuse } from '../refuse';
import { selectScenarios } from '../run-lab';
import { loadScenarioCatalog } from '../scenario-catalog';
import { runSweep } from './run-sweep';
import { sweepCharts, sweepHtml, sweepMarkdown } from './sweep-page';
import { parseSweepOptions, SWEEP_USAGE, type SweepOptions } from './sweep-options';
import { sweepSchema } from './sweep-schema';

/** `lab sweep`: the sizing curve of the pooled models, and where its knee is. */
export async function sweepCommand(argv: string[]): Promise<number> {
  let options: SweepOptions | 'help';
  let scenario;
  const root = workspaceRoot();
  let catalog;
  try {
    options = parseSweepOptions(argv);
    if (options === 'help') {
      process.stdout.write(`${SWEEP_USAGE}\n`);
      return 0;
    }
    catalog = loadScenarioCatalog(root);
    [scenario] = selectScenarios(catalog.scenarios, [options.scenario]);
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
        upstream: catalog.upstream,
        driver: new AutocannonDriver(),
        progress: process.stderr,
        signal: abort.signal,
        onFleet: (fleet) => (current = fleet),
      }),
    );
    const dir = join(
      resolve(options.out ?? join(root, 'reports')),
      `sweep-${sweep.createdAt.replace(/[:.]/g, '-')}`,
    );
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'sweep.json'), `${JSON.stringify(sweep, null, 2)}\n`);
    writeFileSync(join(dir, 'sweep.md'), sweepMarkdown(sweep));
    writeFileSync(
      join(dir, 'index.html'),
      sweepHtml(sweep, await renderCharts(sweepCharts(sweep))),
    );
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ sweep: dir, line: sweep.line, knees: sweep.knees })}\n`
        : [
            '',
            sweep.line,
            ...sweep.knees.map((k) => `  ${k.line}`),
            '',
            `sweep: ${join(dir, 'index.html')}`,
            `       ${join(dir, 'sweep.md')}`,
            '',
          ].join('\n'),
    );
    return 0;
  } catch (error) {
    await stop();
    process.stderr.write(`lab sweep failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
