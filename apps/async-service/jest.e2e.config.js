module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'async-service:e2e' };
