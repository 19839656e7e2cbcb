module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'chaos:e2e' };
