import { spawnSync } from 'node:child_process';
import {
  DriverUnavailableError,
  type DriverRun,
  type LoadDriver,
  type StreamResult,
} from './load-driver';

/** True when a `k6` binary answers on PATH. */
export function k6Available(): boolean {
  const probe = spawnSync('k6', ['version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * The seam for `--driver k6`: the k6 scripts of load-tests/ read the same scenarios.json and
 * write JSON summaries through `handleSummary`; this driver will run them with the same
 * parameters and map those summaries onto `StreamResult`. Until those scripts exist it says so
 * instead of pretending.
 */
export class K6Driver implements LoadDriver {
  readonly name = 'k6';

  constructor() {
    if (!k6Available()) {
      throw new DriverUnavailableError(
        '`--driver k6` needs the k6 binary on PATH; it was not found (use the default autocannon driver)',
      );
    }
  }

  async run(_run: DriverRun): Promise<StreamResult[]> {
    throw new DriverUnavailableError(
      'the k6 driver needs the k6 scripts of load-tests/, which are not written yet',
    );
  }
}
