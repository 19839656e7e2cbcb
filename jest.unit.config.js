// The unit layer alone (`npm run test:unit`): every project's `jest.config.js` — in-process, no
// services, browsers or Prometheus — in one jest run on two workers, the quick check before
// `npm test`. jest's default on 2 cores is one worker: about 3,200 tests took 220 s on one
// and 101 s on two here (2026-12-06), files running side by side as they do under nx.
const workspace = require('./jest.config.js');

module.exports = {
  ...workspace,
  maxWorkers: 2,
  projects: workspace.projects.filter((project) => project.endsWith('/jest.config.js')),
};
