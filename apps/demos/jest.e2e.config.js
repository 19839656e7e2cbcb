// `nx e2e demos` runs these files one at a time (--maxWorkers=1 in project.json): each demo starts
// its own threads and processes and times them, and two at once would only measure each other.
// Not `maxWorkers` here: jest takes it only from a root configuration. In the workspace-wide run
// (`npm test`) it warned and ignored it, so the demos have always run there beside other files.
module.exports = {
  ...require('../../jest.e2e.preset.js'),
  displayName: 'demos:e2e',
};
