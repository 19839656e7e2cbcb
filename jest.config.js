// One jest run over every project and both layers (what `npm test` and `.ci/run` use, so one
// --json holds every count). Each project also runs alone: `nx test <project>` (the unit layer:
// in-process, fast) and `nx e2e <project>` (real processes, browsers, Prometheus).
const { globSync } = require('node:fs');

const layers = ['jest.config.js', 'jest.e2e.config.js'];
const projectDirs = ['libs/*', 'apps/*', 'observability', 'load-tests', 'deploy', 'tools'];

module.exports = {
  // A global option: the projects' own `testTimeout` is ignored in a multi-project run.
  testTimeout: 30000,
  // Expanded here: jest refuses a `projects` glob that matches nothing (a layer no project has
  // yet).
  projects: projectDirs
    .flatMap((dir) => layers.map((file) => `${dir}/${file}`))
    .flatMap((pattern) => globSync(pattern, { cwd: __dirname }))
    .sort()
    .map((file) => `<rootDir>/${file}`),
};
