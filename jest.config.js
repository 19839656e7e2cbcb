// One jest run over every project (what `npm test` and `.ci/run` use, so one --json holds every
// count); each project also runs alone with `nx test <project>`.
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/apps/*/jest.config.js'],
};
