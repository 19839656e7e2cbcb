import { requestOnNewConnection } from '@concurrency-lab/launcher';
import { childrenOf } from '@concurrency-lab/procfs';

/**
 * The pid that answers `path` (200) on a new connection — which cluster worker the primary
 * handed it to — or undefined when it fails or does not answer within `timeoutMs`.
 */
export async function answeredBy(
  base: string,
  path: string,
  timeoutMs = 2000,
): Promise<number | undefined> {
  try {
    const answer = await requestOnNewConnection(`${base}${path}`, 'GET', timeoutMs);
    if (answer.status !== 200) return undefined;
    const header = Number(answer.headers['x-pid']);
    if (Number.isInteger(header)) return header;
    const pid = (JSON.parse(answer.body) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined; // refused, reset, or too slow: not answered
  }
}

/** Children of `root` that were not among `before`. */
export function newProcesses(root: number, before: readonly number[]): number[] {
  return (childrenOf(root) ?? []).filter((pid) => !before.includes(pid));
}

/** Which processes answer HTTP: `tries` requests on new connections, their distinct pids. */
export async function httpProcesses(base: string, tries = 12): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < tries; i++) {
    const pid = await answeredBy(base, '/info');
    if (pid !== undefined) pids.add(pid);
  }
  return pids;
}
