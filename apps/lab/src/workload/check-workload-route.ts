import { TargetWithoutWorkloadError } from '../errors';
import type { LabTarget } from '../targets';
import { WORKLOAD_PATH } from './workload-scenarios';

/**
 * Each service must serve the workload before the run spends minutes on it: one request to
 * `/work/custom` on every target, which answers 404 when the service was started without
 * `LAB_WORKLOAD` (a `--targets` service its operator started, or a build without the route).
 */
export async function checkWorkloadRoute(targets: readonly LabTarget[]): Promise<void> {
  for (const target of targets) {
    let status: number;
    try {
      const response = await fetch(`${target.url}${WORKLOAD_PATH}`, {
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      throw new TargetWithoutWorkloadError(
        `Expected ${target.model} at ${target.url} to answer ${WORKLOAD_PATH}, got ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (status !== 200) {
      throw new TargetWithoutWorkloadError(
        `Expected ${target.model} at ${target.url} to serve the workload on ${WORKLOAD_PATH} (start it with LAB_WORKLOAD=<module>), got ${status}`,
      );
    }
  }
}
