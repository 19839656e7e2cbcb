import { thrown } from '@concurrency-lab/errors/testing';
import { workspaceRoot } from '@concurrency-lab/launcher';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  duplicateCodes,
  errorModules,
  loadCatalogs,
  outOfNamespace,
  renderErrorsDoc,
  type ProjectCatalog,
} from '../src/error-catalog';
import { CatalogShapeError } from '../src/errors';
import { errorsDoc } from '../src/generate-errors-doc';
import { FIXTURE_CODE_PREFIX, NODE_CODES, uncataloguedCodes } from './support/hand-set-codes';

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

  it('is never written by hand outside the catalogs (a class, a fallback, any value)', () => {
    const files = globSync(
      [
        '{apps,libs}/*/src/**/*.{ts,mts}',
        '{observability,deploy,tools}/src/**/*.ts',
        'load-tests/k6/**/*.ts',
        // What real services and processes load to fail on purpose (workloads, e2e fixtures):
        // its own codes must be fixtures' (`ERR_FIXTURE_…`). Unit tests and their `test/fixtures`
        // are not scanned: they make codes up (`ERR_WIDGET_JAMMED`) to exercise the checks.
        '{apps,libs}/*/e2e/fixtures/**/*.{ts,mts,cts,js,mjs,cjs}',
        'observability/e2e/fixtures/**/*.{ts,mts,cts,js,mjs,cjs}',
        'libs/contract-testing/fixtures/**/*.{ts,mts,cts,js,mjs,cjs}',
        'apps/lab/workloads/*.mjs',
        // Unit fixtures that real pool threads and processes load as their task module.
        'libs/executors/test/fixtures/tasks.js',
        'libs/thread-pool/test/fixtures/*-workload.cjs',
      ],
      { cwd: root, exclude: (file) => file.includes('node_modules') },
    );
    expect(files.length).toBeGreaterThan(250);
    const sources = files.map((file) => [file, readFileSync(join(root, file), 'utf8')] as const);
    expect(uncataloguedCodes(catalogs, sources)).toEqual([]);
  });

  it('allows only Node codes the sources compare against (a stale one would hide ours)', () => {
    const files = globSync('{apps,libs}/*/src/**/*.{ts,mts}', { cwd: root });
    const mentioned = new Set(
      files.flatMap((file) =>
        [...readFileSync(join(root, file), 'utf8').matchAll(/'(ERR_[A-Z0-9_]+)'/g)].map(
          (m) => m[1],
        ),
      ),
    );
    expect([...NODE_CODES].filter((code) => !mentioned.has(code))).toEqual([]);
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
      'a.ts:1: ERR_JOB_FAILED',
      'b.ts:1: ERR_STDOUT',
    ]);
  });

  describe('find a code set as a value in any form but not a catalogued, Node, fixture one', () => {
    const catalogs = [catalog('apps/demos', 'ERR_DEMO_', ['ERR_DEMO_USAGE'])];
    const found = (text: string) => uncataloguedCodes(catalogs, [['x.ts', text]]);

    it.each([
      ['a ternary’s else branch', "const c = typeof code === 'string' ? code : 'ERR_UNKNOWN';"],
      ['a ternary’s then branch', "const c = timedOut ? 'ERR_UNKNOWN' : code;"],
      ['an object literal', "return { code: 'ERR_UNKNOWN', message };"],
      ['a quoted key', 'return { \'code\': "ERR_UNKNOWN" };'],
      ['a template literal', 'return { code: `ERR_UNKNOWN` };'],
      ['a comparison', "if (error.code === 'ERR_UNKNOWN') retry();"],
      ['a case', "switch (code) { case 'ERR_UNKNOWN': break; }"],
      ['an argument', "throw new ProblemError('ERR_UNKNOWN');"],
      ['a literal type', "type Failure = { code: 'ERR_UNKNOWN' };"],
    ])('%s', (_, text) => {
      expect(found(text)).toEqual(['x.ts:1: ERR_UNKNOWN']);
      // The same form with a catalogued code, a Node code, a fixture's code: nothing to report.
      for (const code of ['ERR_DEMO_USAGE', [...NODE_CODES][0], `${FIXTURE_CODE_PREFIX}THROWN`]) {
        expect([code, found(text.replace('ERR_UNKNOWN', code as string))]).toEqual([code, []]);
      }
    });

    it('on the line it is written', () => {
      expect(
        found("const a = 1;\n\nconst c = ok\n  ? 'ERR_DEMO_USAGE'\n  : 'ERR_UNKNOWN';"),
      ).toEqual(['x.ts:5: ERR_UNKNOWN']);
    });

    it('but not in a comment, a regular expression, or a namespace prefix', () => {
      const text = [
        "// falls back to 'ERR_UNKNOWN'",
        "/** Throws `ERR_UNKNOWN` ('ERR_UNKNOWN'). */",
        "const re = /'ERR_UNKNOWN'/;",
        "if (code.startsWith('ERR_DEMO_')) return;",
      ].join('\n');
      expect(found(text)).toEqual([]);
    });

    it('nor Node’s own codes the sources compare against', () => {
      expect(found("if (e.code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();")).toEqual([]);
      // Node's look is no pass: only the listed codes are Node's.
      expect(found("if (e.code === 'ERR_HTTP_MADE_UP') throw x;")).toEqual([
        'x.ts:1: ERR_HTTP_MADE_UP',
      ]);
    });
  });

  describe('refuse an error module of the wrong shape', () => {
    // Every project's module is loaded as this one: the first, whichever it is, is refused.
    const entry = { code: 'ERR_X_JAM', className: 'Jam', meaning: 'jammed' };
    const wellFormed = { ERROR_NAMESPACE: 'ERR_X_', ERROR_CATALOG: [entry] };
    const refusal = (module: unknown) => thrown(() => loadCatalogs(root, () => module));

    it('(the control: the well-formed module loads, for every project)', () => {
      const loaded = loadCatalogs(root, () => wellFormed);
      expect(loaded.length).toBe(catalogs.length);
      expect(loaded.map((c) => [c.namespace, c.entries])).toEqual(
        catalogs.map(() => ['ERR_X_', [entry]]),
      );
    });

    it.each([
      [
        'no namespace',
        { ERROR_CATALOG: [] },
        /to export ERROR_NAMESPACE like `ERR_LOCK_`, got `undefined`$/,
      ],
      ['a namespace in lower case', { ...wellFormed, ERROR_NAMESPACE: 'ERR_x' }, /got `ERR_x`$/],
      [
        'a namespace without its closing `_`',
        { ...wellFormed, ERROR_NAMESPACE: 'ERR_X' },
        /got `ERR_X`$/,
      ],
      [
        'an empty meaning',
        { ...wellFormed, ERROR_CATALOG: [{ ...entry, meaning: '' }] },
        /to export ERROR_CATALOG: /,
      ],
      [
        'a code not like ERR_…',
        { ...wellFormed, ERROR_CATALOG: [{ ...entry, code: 'x-jam' }] },
        /to export ERROR_CATALOG: /,
      ],
      [
        'an entry with a code alone',
        { ...wellFormed, ERROR_CATALOG: [entry, { code: 'ERR_X_JAM' }] },
        /to export ERROR_CATALOG: /,
      ],
      [
        'a catalog that is no list',
        { ...wellFormed, ERROR_CATALOG: entry },
        /to export ERROR_CATALOG: /,
      ],
    ])('%s', (_, module, message) => {
      const error = refusal(module);
      expect(error).toMatchObject({ code: CatalogShapeError.code });
      expect((error as Error).message).toMatch(message);
    });
  });

  it.each([
    ['a pipe, escaped so the row keeps its cells', 'a | b', 'a \\| b'],
    ['a line break, folded to a space', 'one\ntwo', 'one two'],
  ])('render a meaning holding %s', (_, meaning, cell) => {
    const doc = renderErrorsDoc([
      {
        project: 'libs/x',
        file: 'libs/x/src/errors.ts',
        namespace: 'ERR_X_',
        entries: [{ code: 'ERR_X_JAM', className: 'Jam', meaning }],
      },
    ]);
    const row = doc.split('\n').find((line) => line.startsWith('| `ERR_X_JAM`'));
    // Blanks squeezed: the table pads each cell to its column's width, as prettier would.
    expect(row?.replace(/ +/g, ' ')).toBe(`| \`ERR_X_JAM\` | \`Jam\` | ${cell} |`);
  });
});
