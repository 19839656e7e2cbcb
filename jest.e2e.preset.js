// The e2e layer (see jest.preset.js): the same settings over `e2e/` — tests that start real
// processes, services from `dist/`, browsers or Prometheus.
module.exports = {
  ...require('./jest.preset.js'),
  testMatch: ['<rootDir>/e2e/**/*.test.ts'],
};
