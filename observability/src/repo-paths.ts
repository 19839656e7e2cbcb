import { workspaceRoot } from '@concurrency-lab/service-kit';
import { join } from 'node:path';

export { appEntry, workspaceRoot as repoRoot } from '@concurrency-lab/service-kit';

/** `observability/` in the repository: the configuration files the Docker stack mounts. */
export function observabilityDir(): string {
  return join(workspaceRoot(), 'observability');
}
