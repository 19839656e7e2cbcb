// One file at a time: each demo starts its own threads and processes and times them; two at
// once would only measure each other.
module.exports = {
  ...require('../../jest.e2e.preset.js'),
  displayName: 'demos:e2e',
  maxWorkers: 1,
};
