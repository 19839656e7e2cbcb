module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'launcher:e2e' };
