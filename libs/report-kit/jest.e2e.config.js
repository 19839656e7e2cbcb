module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'report-kit:e2e' };
