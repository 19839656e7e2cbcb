/**
 * `npx nx run tools:generate-errors-doc`: writes docs/errors.md from every project's
 * `ERROR_CATALOG`. Error modules are leaves (no imports), so Node 24 loads each `.ts` file
 * directly (type stripping) — no build of the other projects needed.
 */
import { workspaceRoot } from '@concurrency-lab/launcher';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogs, renderErrorsDoc } from './error-catalog';

/** The document as committed (already laid out as prettier would). */
export function errorsDoc(root: string, load: (file: string) => unknown): string {
  return renderErrorsDoc(loadCatalogs(root, load));
}

if (require.main === module) {
  const root = workspaceRoot();
  writeFileSync(
    join(root, 'docs', 'errors.md'),
    errorsDoc(root, (file) => require(file)),
  );
  process.stdout.write('docs/errors.md written\n');
}
