/** Every error the k6 scripts throw on purpose (docs/errors.md). Plain TypeScript: k6 runs it. */
export const ERROR_NAMESPACE = 'ERR_K6_';

/** scenarios.json lacks a field the scripts use, or has one of the wrong type. */
export class CatalogError extends Error {
  static readonly code = 'ERR_K6_CATALOG';
  override readonly name = 'CatalogError';
  readonly code = CatalogError.code;
}

/** A `-e NAME=value` run parameter (BASE_URL, MODEL, DURATION) is missing or malformed. */
export class RunParamsError extends Error {
  static readonly code = 'ERR_K6_PARAMS';
  override readonly name = 'RunParamsError';
  readonly code = RunParamsError.code;
}

export const ERROR_CATALOG = [
  {
    code: CatalogError.code,
    className: 'CatalogError',
    meaning: 'scenarios.json lacks a field the k6 scripts use, or has one of the wrong type.',
  },
  {
    code: RunParamsError.code,
    className: 'RunParamsError',
    meaning: 'A k6 run parameter (`-e BASE_URL`, `MODEL`, `DURATION`) is missing or malformed.',
  },
] as const;
