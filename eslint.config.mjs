import nx from '@nx/eslint-plugin';
import stylistic from '@stylistic/eslint-plugin';
import prettier from 'eslint-config-prettier';
import jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];
const JS_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  // Type-aware rules (no-floating-promises, no-misused-promises, the no-unsafe-* family…) for
  // every TypeScript file: each file is type-checked through the nearest tsconfig.json of its
  // project, which includes its src, test, e2e and bench files.
  ...tseslint.configs.recommendedTypeCheckedOnly.map((config) => ({ ...config, files: TS_FILES })),
  {
    files: TS_FILES,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: TS_FILES,
    rules: {
      // Passing on what someone else threw is not ours to wrap: an AbortSignal's `reason` (typed
      // `any`; the convention of every signal-aware API here is to reject with it) and a caught
      // `unknown` re-rejected. A literal non-Error (`reject('x')`) is still reported.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
    },
  },
  {
    // @types/jest (the jest globals most tests use) types the asymmetric matchers
    // (`expect.objectContaining`, `expect.any`, `expect.stringMatching`…) as `any`, so every
    // `toThrow(expect.objectContaining({ code }))` and every
    // `toEqual({ port: expect.any(Number) })` would be "unsafe". The matcher is the assertion;
    // member access, calls and returns of `any` stay checked in tests.
    files: ['**/test/**', '**/e2e/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // Tests and benchmarks pass `async () => value` on purpose: it drives the promise-returning
    // path of the API under test (`withLock`, `queue.run`, `mapBounded`…) or of a timing loop.
    files: ['**/test/**', '**/e2e/**', '**/bench/**'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // CommonJS benchmarks load their package's build as `const x: typeof import('x') =
    // require('x')` (erasableSyntaxOnly forbids `import x = require()`): the annotation types the
    // binding, the rule sees only `require`'s `any`.
    files: ['**/bench/**/*.cts', 'libs/workloads/bench/workloads.bench.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  // JavaScript (jest configs, eslint config, scripts) has no type information to check against.
  { ...tseslint.configs.disableTypeChecked, files: JS_FILES },
  prettier,
  {
    // Prettier wraps code at printWidth 100 but never a comment, so this holds comments to the
    // same 100 columns. It comes after eslint-config-prettier, which turns the rule off. A code
    // line with a string, a template literal or a regex is prettier's call (hundreds run longer);
    // other code lines prettier fits in 100, so what the code limit catches is a trailing comment
    // that runs past. A comment line that is nothing but a URL cannot be wrapped.
    files: [...TS_FILES, ...JS_FILES],
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': [
        'error',
        {
          code: 100,
          comments: 100,
          tabWidth: 2,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignorePattern: String.raw`^\s*(?:\/\/|\*)\s*<?https?:\/\/\S+$`,
        },
      ],
    },
  },
  { ignores: ['**/dist', '**/node_modules', 'reports', '.nx', 'coverage'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      // Two axes of tags: `type:*` says what a project is, `scope:*` what it belongs to.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // An app is deployable and is never imported; libs never import apps.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:util'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:util'] },
            // A util (pure functions, primitives) depends on no feature lib.
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            // Shared libs know nothing of a particular model or of the tooling.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // A model builds on shared libs and on the libs models share (a thread pool, a
            // cluster).
            { sourceTag: 'scope:model', onlyDependOnLibsWithTags: ['scope:shared', 'scope:model'] },
            // Tooling (the lab, the launcher, the contract suite) builds on shared libs and itself.
            {
              sourceTag: 'scope:tooling',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:tooling'],
            },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks of any project may use the tooling that starts and checks services
    // (the launcher, the contract suite); what ships — `src/` — may not. A benchmark runs its
    // own package's build, so it imports it by name.
    files: ['**/test/**', '**/e2e/**', '**/bench/**'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allowCircularSelfDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:util'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:lib'] },
            {
              sourceTag: 'scope:shared',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:tooling'],
            },
            {
              sourceTag: 'scope:tooling',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:tooling'],
            },
            {
              sourceTag: 'scope:model',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:tooling', 'scope:model'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Jest configs share the root preset by relative path; that is configuration, not a module
    // import.
    files: ['**/jest.config.js', '**/jest.e2e.config.js'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Each project's manifest declares exactly what its shipped code imports (tests, e2e,
    // benchmarks and build config may use the root's dev tools), so a package runs from its dist
    // with its own dependencies and nothing it does not use.
    files: ['**/package.json'],
    languageOptions: { parser: jsoncParser },
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          buildTargets: ['build'],
          checkMissingDependencies: true,
          checkObsoleteDependencies: true,
          checkVersionMismatches: false,
          ignoredFiles: [
            '{projectRoot}/test/**',
            '{projectRoot}/e2e/**',
            '{projectRoot}/bench/**',
            '{projectRoot}/jest.config.js',
            '{projectRoot}/jest.e2e.config.js',
            '{projectRoot}/eslint.config.mjs',
          ],
        },
      ],
    },
  },
];
