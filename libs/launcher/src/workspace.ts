import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NotBuiltError, WorkspaceNotFoundError } from './errors';

/** The monorepo root (the folder holding `nx.json`), found from `from` upwards. */
export function workspaceRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new WorkspaceNotFoundError(`No nx.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The built entry point of an app: `apps/<app>/dist/main.js` (`npm test` builds first). */
export function appEntry(app: string): string {
  const entry = join(workspaceRoot(), 'apps', app, 'dist', 'main.js');
  if (!existsSync(entry)) {
    throw new NotBuiltError(`${entry} does not exist: run \`npm run build\` first`);
  }
  return entry;
}
