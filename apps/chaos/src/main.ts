#!/usr/bin/env node
/**
 * chaos: the reliability drills of issue 15 against every model — overload, worker kills, pool
 * crashes, rolling restarts, graceful stops, upstream faults, soak, fuzz — as one table of
 * figures, exiting 1 when a budget breaks. `npm run chaos -- --help` lists the options.
 */
import { onInterrupt } from '@concurrency-lab/launcher';
import { availableParallelism, constants, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseChaosOptions, USAGE } from './cli-options';
import { drillsHelp } from './drill-help';
import { DRILLS } from './drills/index';
import { planDrills, runChaos, stopEveryFleet } from './run-chaos';
import { renderTable } from './table';

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseChaosOptions(argv);
    // Before anything starts: a selection of drills none of which applies is a usage error.
    if (options !== 'help') planDrills(options);
  } catch (error) {
    // `ERR_CHAOS_USAGE: …`, the code first, as lab and demo say theirs.
    const { code, message } = error as { code?: unknown; message?: unknown };
    const text = `${typeof code === 'string' ? `${code}: ` : ''}${String(message)}`;
    process.stderr.write(`${text}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n\n${drillsHelp(Object.values(DRILLS))}\n`);
    return 0;
  }
  const abort = new AbortController();
  // Also the fleet starting now: exiting before its start ends would leave its services up.
  // 128 + the signal's number, as a shell reports a process it ended: 130 (SIGINT), 143 (SIGTERM).
  onInterrupt(
    () => stopEveryFleet(abort),
    (signal) => process.exit(128 + constants.signals[signal]),
  );
  const started = performance.now();
  const load = loadavg()[0] ?? 0;
  const rows = await runChaos({
    options,
    signal: abort.signal,
    progress: (line) => process.stderr.write(`chaos: ${line}\n`),
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${renderTable(rows)}\n`);
  process.stdout.write(
    `\n${options.quick ? 'quick' : 'full'} run, ${seconds.toFixed(0)} s, WORKERS=${options.workers}, ` +
      `${availableParallelism()} cores, load average ${load.toFixed(1)} at start and ${(loadavg()[0] ?? 0).toFixed(1)} at the end\n`,
  );
  return rows.some((r) => r.violations.length > 0) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
