module.exports = { ...require('../jest.e2e.preset.js'), displayName: 'observability:e2e' };
