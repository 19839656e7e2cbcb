module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'procfs:e2e' };
