module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'lab:e2e' };
