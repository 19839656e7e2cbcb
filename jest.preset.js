// Shared jest settings for every project. Two layers: `test/` (unit: in-process, fast, what
// `nx test` runs) and `e2e/` (real child processes, services from `dist/`, browsers,
// Prometheus: `nx e2e`, configured by jest.e2e.preset.js). Tests run TypeScript through SWC (no
// type-check: the `typecheck` target owns that), and workspace libs resolve to their sources, so
// a test never runs against a stale `dist/`. Code that must run in *another* thread or process
// (services spawned by the contract suite, pool workers) runs from `dist/`: `npm test` builds
// first.
const path = require('node:path');

const libs = path.join(__dirname, 'libs');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@concurrency-lab/([a-z-]+)$': `${libs}/$1/src/index.ts`,
    // A subpath export is `src/<subpath>.ts` (`@concurrency-lab/locks/internal`) or a folder's
    // `src/<subpath>/index.ts` (`@concurrency-lab/contract-testing/fuzz`): jest resolves the
    // path as it would a relative import.
    '^@concurrency-lab/([a-z-]+)/([a-z-]+)$': `${libs}/$1/src/$2`,
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
};
