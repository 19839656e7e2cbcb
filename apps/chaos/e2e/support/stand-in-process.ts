import { launch, type ServiceProcess } from '@concurrency-lab/launcher';
import type { ModelName } from '@concurrency-lab/models';
import { join } from 'node:path';
import type { DrillName, DrillRow } from '../../src/drill';
import { DRILLS } from '../../src/drills/index';
import { registryRow, standInContext } from '../../test/support/stand-in-service';

/**
 * Runs `drill` as the runner would for `model`, against a stand-in service from `fixtures/`
 * started by the launcher as a real process (the process-tree and signal parts of a drill need
 * one), and SIGKILLs it after, however the drill ended. `service` is called with the process
 * once it listens, for a test to read its pid and logs.
 */
export async function drillStandIn(
  drill: DrillName,
  fixture: string,
  model: ModelName,
  env: Record<string, string> = {},
  service: (started: ServiceProcess) => void = () => undefined,
): Promise<DrillRow> {
  const started = await launch(join(__dirname, '..', 'fixtures', fixture), {
    name: fixture,
    env,
    startTimeoutMs: 10_000,
  });
  try {
    service(started);
    const rows = await DRILLS[drill].run(standInContext(started).ctx, [registryRow(model)]);
    if (rows.length !== 1) throw new Error(`Expected one row, got ${JSON.stringify(rows)}`);
    return rows[0] as DrillRow;
  } finally {
    await started.stop('SIGKILL', 100);
  }
}
