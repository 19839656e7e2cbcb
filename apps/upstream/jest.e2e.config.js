module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'upstream:e2e' };
