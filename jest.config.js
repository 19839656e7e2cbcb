// One jest run over every project (what `npm test` and `.ci/run` use, so one --json holds every
// count); each project also runs alone with `nx test <project>`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const topLevel = ['observability', 'load-tests']
  .map((dir) => join(__dirname, dir, 'jest.config.js'))
  .filter((file) => existsSync(file));

module.exports = {
  // A global option: the projects' own `testTimeout` is ignored in a multi-project run.
  testTimeout: 30000,
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/apps/*/jest.config.js', ...topLevel],
};
