module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'locks:e2e' };
