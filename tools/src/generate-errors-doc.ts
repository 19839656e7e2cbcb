/**
 * `npx nx run tools:generate-errors-doc`: writes docs/errors.md from every project's
 * `ERROR_CATALOG`. Error modules are leaves (no imports), so Node 24 loads each `.ts` file
 * directly (type stripping) — no build of the other projects needed.
 */
import { workspaceRoot } from '@concurrency-lab/launcher';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { loadCatalogs, renderErrorsDoc } from './error-catalog';

/** The document as committed: rendered, then formatted with the repository's prettier config. */
export async function errorsDoc(root: string, load: (file: string) => unknown): Promise<string> {
  const filepath = join(root, 'docs', 'errors.md');
  const config = await resolveConfig(filepath);
  return format(renderErrorsDoc(loadCatalogs(root, load)), { ...config, filepath });
}

if (require.main === module) {
  const root = workspaceRoot();
  errorsDoc(root, (file) => require(file)).then(
    (text) => {
      writeFileSync(join(root, 'docs', 'errors.md'), text);
      process.stdout.write('docs/errors.md written\n');
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
