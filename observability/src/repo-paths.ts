import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The monorepo root (the folder holding `nx.json`), found by walking up from `from`.
 * service-kit has the same helper, but this project is a `type:util` and the workspace's module
 * boundaries let a util import only utils — so the two small path helpers live here too.
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No nx.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** `observability/` in the repository: the configuration files the Docker stack mounts. */
export function observabilityDir(): string {
  return join(repoRoot(), 'observability');
}

/** The built entry point of an app; the caller builds first (`npm run observe` does). */
export function appEntry(app: string): string {
  const entry = join(repoRoot(), 'apps', app, 'dist', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run \`npm run build\` first`);
  return entry;
}
