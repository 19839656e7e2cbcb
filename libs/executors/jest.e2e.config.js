module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'executors:e2e' };
