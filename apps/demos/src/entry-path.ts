import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { NotBuiltError } from './errors';

/**
 * The built JavaScript of a thread or process entry (`src/workers/<name>.ts`): another thread
 * or process loads plain JavaScript, so it always comes from `dist/workers/`, also when the
 * demo itself runs from its TypeScript sources (in jest).
 */
export function entryPath(name: string): string {
  const dist = basename(__dirname) === 'dist' ? __dirname : join(__dirname, '..', 'dist');
  const file = join(dist, 'workers', `${name}.js`);
  if (!existsSync(file)) {
    throw new NotBuiltError(`${file} does not exist: run \`npx nx build demos\` first`);
  }
  return file;
}
