module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'cluster-runtime:e2e' };
