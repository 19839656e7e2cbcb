module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'cluster-service:e2e' };
