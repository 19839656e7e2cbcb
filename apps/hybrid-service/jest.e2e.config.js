module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'hybrid-service:e2e' };
