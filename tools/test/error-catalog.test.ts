import { thrown } from '@concurrency-lab/errors/testing';
import { workspaceRoot } from '@concurrency-lab/launcher';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  duplicateCodes,
  errorModules,
  loadCatalogs,
  outOfNamespace,
  uncataloguedCodes,
  type ProjectCatalog,
} from '../src/error-catalog';
import { CatalogShapeError } from '../src/errors';
import { errorsDoc } from '../src/generate-errors-doc';

const root = workspaceRoot();
const catalogs = loadCatalogs(root, (file) => require(file));

describe('every error code of the repository', () => {
  it('comes from an error module in each project that throws coded errors', () => {
    expect(catalogs.map((c) => c.project)).toEqual(
      expect.arrayContaining(['libs/launcher', 'libs/locks', 'libs/queues', 'libs/workloads']),
    );
  });

  it('is unique across the whole workspace', () => {
    expect(Object.fromEntries(duplicateCodes(catalogs))).toEqual({});
  });

  it('starts with its project’s namespace (the contract’s HTTP problem codes excepted)', () => {
    expect(outOfNamespace(catalogs)).toEqual([]);
  });

  it('has namespaces no two projects share, none a prefix of another', () => {
    const namespaces = catalogs.map((c) => c.namespace);
    const clashes = namespaces.filter((a, i) =>
      namespaces.some((b, j) => i !== j && b.startsWith(a)),
    );
    expect(clashes).toEqual([]);
  });

  it('names a class the module exports, carrying that code when the class has one', () => {
    for (const { file, entries } of catalogs) {
      const module = require(join(root, file)) as Record<string, { code?: unknown } | undefined>;
      for (const { code, className, carrier } of entries) {
        if (carrier === 'value') continue;
        const exported = module[className];
        expect([file, className, typeof exported]).toEqual([file, className, 'function']);
        if (typeof exported?.code === 'string')
          expect([className, exported.code]).toEqual([className, code]);
      }
    }
  });

  it('is never set by hand outside the catalogs (a class of its own, a fallback code)', () => {
    const files = globSync(
      [
        '{apps,libs}/*/src/**/*.{ts,mts}',
        '{observability,deploy,tools}/src/**/*.ts',
        'load-tests/k6/**/*.ts',
      ],
      { cwd: root },
    );
    expect(files.length).toBeGreaterThan(200);
    const sources = files.map((file) => [file, readFileSync(join(root, file), 'utf8')] as const);
    expect(uncataloguedCodes(catalogs, sources)).toEqual([]);
  });

  it('is listed in the committed docs/errors.md (regenerate: npx nx run tools:generate-errors-doc)', () => {
    expect(readFileSync(join(root, 'docs', 'errors.md'), 'utf8')).toBe(
      errorsDoc(root, (file) => require(file)),
    );
  });

  it('comes from error modules that import nothing but the errors lib, so the generator loads them without building their project', () => {
    for (const { file } of errorModules(root)) {
      const imports = [
        ...readFileSync(join(root, file), 'utf8').matchAll(
          /^import .* from '([^']+)';$|require\('([^']+)'\)/gm,
        ),
      ].map((m) => m[1] ?? m[2]);
      expect([file, imports.filter((name) => name !== '@concurrency-lab/errors')]).toEqual([
        file,
        [],
      ]);
    }
  });
});

describe('the checks themselves (negative controls)', () => {
  const catalog = (project: string, namespace: string, codes: string[]): ProjectCatalog => ({
    project,
    file: `${project}/src/errors.ts`,
    namespace,
    entries: codes.map((code) => ({ code, className: 'X', meaning: 'm' })),
  });

  it('find a code two projects share', () => {
    const found = duplicateCodes([
      catalog('libs/locks', 'ERR_LOCK_', ['ERR_LOCK_TIMEOUT', 'ERR_INVALID_ARGUMENT']),
      catalog('libs/queues', 'ERR_QUEUE_', ['ERR_INVALID_ARGUMENT']),
    ]);
    expect(Object.fromEntries(found)).toEqual({
      ERR_INVALID_ARGUMENT: ['libs/locks', 'libs/queues'],
    });
  });

  it('find a code outside its namespace', () => {
    expect(
      outOfNamespace([catalog('libs/queues', 'ERR_QUEUE_', ['ERR_INVALID_ARGUMENT'])]),
    ).toEqual(['libs/queues: ERR_INVALID_ARGUMENT (expected ERR_QUEUE_…)']);
  });

  it('find a code set by hand that no catalog lists, and pass one a catalog lists', () => {
    const catalogs = [catalog('apps/demos', 'ERR_DEMO_', ['ERR_DEMO_USAGE'])];
    const sources = [
      ['a.ts', "class JobFailed extends Error { readonly code = 'ERR_JOB_FAILED'; }"],
      ['b.ts', "errorLine(error.code ?? 'ERR_STDOUT', message)"],
      ['c.ts', "readonly code = 'ERR_DEMO_USAGE'; x ?? 'ERR_DEMO_USAGE'"],
    ] as const;
    expect(uncataloguedCodes(catalogs, sources)).toEqual([
      'a.ts: ERR_JOB_FAILED',
      'b.ts: ERR_STDOUT',
    ]);
  });

  it('refuse an error module without a namespace', () => {
    expect(thrown(() => loadCatalogs(root, () => ({ ERROR_CATALOG: [] })))).toMatchObject({
      code: CatalogShapeError.code,
    });
  });
});
