/** Every error the repository's own tools throw on purpose (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_TOOLS_';

/** A project's `src/errors.ts` does not export `ERROR_NAMESPACE` and `ERROR_CATALOG` as expected. */
export class CatalogShapeError extends Error {
  static readonly code = 'ERR_TOOLS_CATALOG_SHAPE';
  override readonly name = 'CatalogShapeError';
  readonly code = CatalogShapeError.code;
}

export const ERROR_CATALOG = [
  {
    code: CatalogShapeError.code,
    className: 'CatalogShapeError',
    meaning:
      'An error module does not export `ERROR_NAMESPACE` and `ERROR_CATALOG: { code, className, meaning }[]`.',
  },
] as const;
