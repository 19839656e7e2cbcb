module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'procpool-service:e2e' };
