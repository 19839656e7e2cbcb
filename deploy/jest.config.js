// kubernetes-models 5 and @kubernetes-models/* 6 are ESM-only (exports: `import` only), and so are
// is-cidr and cidr-regex they load: the resolver asks for their `import` entry, and SWC turns them
// into CommonJS like the rest. The code itself imports them with `await import()`, which is what
// Node runs from dist.
const preset = require('../jest.preset.js');

const esm = ['kubernetes-models', '@kubernetes-models', 'is-cidr', 'cidr-regex'];

module.exports = {
  ...preset,
  displayName: 'deploy',
  resolver: '<rootDir>/jest-esm-resolver.js',
  transform: { ...preset.transform, '^.+\\.js$': preset.transform['^.+\\.ts$'] },
  transformIgnorePatterns: [`/node_modules/(?!(${esm.join('|')})/)`],
};
