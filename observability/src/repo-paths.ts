import { workspaceRoot } from '@concurrency-lab/launcher';
import { join } from 'node:path';

export { workspaceRoot as repoRoot } from '@concurrency-lab/launcher';

/** `observability/` in the repository: the configuration files the Docker stack mounts. */
export function observabilityDir(): string {
  return join(workspaceRoot(), 'observability');
}
