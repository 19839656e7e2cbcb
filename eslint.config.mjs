import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import jsoncParser from 'jsonc-eslint-parser';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  prettier,
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
            // A model builds on shared libs and on the libs models share (a thread pool, a cluster).
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
    // Jest configs share the root preset by relative path; that is configuration, not a module import.
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
