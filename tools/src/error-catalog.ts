import type { CatalogEntry } from '@concurrency-lab/errors';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CatalogShapeError } from './errors';

export type { CatalogEntry };

/** A project's error module: its codes and the prefix they share. */
export interface ProjectCatalog {
  /** The folder, relative to the repository root (`libs/locks`). */
  readonly project: string;
  /** The module, relative to the repository root. */
  readonly file: string;
  /** `ERR_LOCK_`: every non-contract code of the project starts with it. */
  readonly namespace: string;
  readonly entries: readonly CatalogEntry[];
}

/** Where projects keep their error module (load-tests is k6 code: no `src/`). */
const ERROR_MODULES = ['src/errors.ts', 'k6/lib/errors.ts'];

/** Every project folder of the workspace that has an error module, in a stable order. */
export function errorModules(root: string): { project: string; file: string }[] {
  const projects = [
    ...['libs', 'apps'].flatMap((group) =>
      readdirSync(join(root, group))
        .sort()
        .map((name) => join(group, name)),
    ),
    'observability',
    'load-tests',
    'deploy',
    'tools',
  ];
  return projects.flatMap((project) =>
    ERROR_MODULES.map((file) => join(project, file))
      .filter((file) => existsSync(join(root, file)))
      .map((file) => ({ project, file })),
  );
}

/**
 * Loads each error module with `load` (jest's `require` in tests; Node's, which strips the
 * types of a `.ts` file, in the generator) and checks its shape: `ERROR_NAMESPACE` and
 * `ERROR_CATALOG` of `{ code, className, meaning }`.
 */
export function loadCatalogs(root: string, load: (file: string) => unknown): ProjectCatalog[] {
  return errorModules(root).map(({ project, file }) => {
    const module = load(join(root, file)) as {
      ERROR_NAMESPACE?: unknown;
      ERROR_CATALOG?: unknown;
    };
    const where = relative(root, join(root, file));
    if (
      typeof module.ERROR_NAMESPACE !== 'string' ||
      !/^ERR_[A-Z0-9]+_$/.test(module.ERROR_NAMESPACE)
    ) {
      throw new CatalogShapeError(
        `Expected ${where} to export ERROR_NAMESPACE like \`ERR_LOCK_\`, got \`${String(module.ERROR_NAMESPACE)}\``,
      );
    }
    const entries = module.ERROR_CATALOG;
    if (!Array.isArray(entries) || entries.some((e) => !isEntry(e))) {
      throw new CatalogShapeError(
        `Expected ${where} to export ERROR_CATALOG: { code, className, meaning }[]`,
      );
    }
    return { project, file: where, namespace: module.ERROR_NAMESPACE, entries };
  });
}

function isEntry(value: unknown): value is CatalogEntry {
  const e = value as Record<string, unknown> | null;
  return (
    typeof e?.['code'] === 'string' &&
    /^ERR_[A-Z0-9_]+$/.test(e['code']) &&
    typeof e['className'] === 'string' &&
    typeof e['meaning'] === 'string' &&
    e['meaning'].length > 0
  );
}

/** Codes that appear more than once across all catalogs, with where. */
export function duplicateCodes(catalogs: readonly ProjectCatalog[]): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const { project, entries } of catalogs) {
    for (const { code } of entries) seen.set(code, [...(seen.get(code) ?? []), project]);
  }
  return new Map([...seen].filter(([, where]) => where.length > 1));
}

/** Codes outside their project's namespace (contract codes excepted). */
export function outOfNamespace(catalogs: readonly ProjectCatalog[]): string[] {
  return catalogs.flatMap(({ project, namespace, entries }) =>
    entries
      .filter((e) => !e.contract && !e.code.startsWith(namespace))
      .map((e) => `${project}: ${e.code} (expected ${namespace}…)`),
  );
}

/**
 * A Markdown table as prettier lays one out (cells padded to the column's width, the rule row of
 * dashes as wide), so the generated file is already formatted and `format:check` holds it too.
 */
export function alignedTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** docs/errors.md: every code of the repository, by project, with its class and meaning. */
export function renderErrorsDoc(catalogs: readonly ProjectCatalog[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const sections = catalogs.map(({ project, file, namespace, entries }) => {
    const withStatus = entries.some((e) => e.status !== undefined);
    const rows = entries.map((e) => {
      const carrier = `\`${e.className}\`${e.carrier === 'value' ? ' (a value)' : ''}`;
      return withStatus
        ? [`\`${e.code}\``, String(e.status ?? ''), carrier, cell(e.meaning)]
        : [`\`${e.code}\``, carrier, cell(e.meaning)];
    });
    const header = withStatus ? ['code', 'HTTP', 'class', 'meaning'] : ['code', 'class', 'meaning'];
    return `## \`${project}\`\n\nNamespace \`${namespace}…\`; defined in \`${file}\`.\n\n${alignedTable(header, rows)}\n`;
  });
  return [
    '# Error codes',
    '',
    '<!-- Generated by `npx nx run tools:generate-errors-doc` from every `ERROR_CATALOG`; do not edit. -->',
    '',
    'Every error the repository throws on purpose carries a stable `code`: callers and tests branch',
    'on it, never on the message. Each project prefixes its codes with its own namespace, so a code',
    'says where it comes from and no two projects share one (a test holds both rules). The HTTP',
    'problem codes of the contract (`docs/contract.md`) are the exception: they stay as the',
    'contract names them, each with its HTTP status.',
    '',
    ...sections,
  ].join('\n');
}
