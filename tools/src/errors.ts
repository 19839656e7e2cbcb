import { catalog, coded } from '@concurrency-lab/errors';

/** Every error the repository's own tools throw on purpose (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_TOOLS_';

/**
 * A project's `src/errors.ts` does not export `ERROR_NAMESPACE` and `ERROR_CATALOG` as expected.
 */
export class CatalogShapeError extends coded(
  'ERR_TOOLS_CATALOG_SHAPE',
  'An error module is malformed',
) {}

export const ERROR_CATALOG = catalog([
  CatalogShapeError,
  'An error module does not export `ERROR_NAMESPACE` and `ERROR_CATALOG: { code, className, meaning }[]`.',
]);
