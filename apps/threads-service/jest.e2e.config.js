module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'threads-service:e2e' };
