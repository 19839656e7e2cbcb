module.exports = { ...require('../../jest.e2e.preset.js'), displayName: 'telemetry:e2e' };
