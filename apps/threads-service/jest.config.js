module.exports = { ...require('../../jest.preset.js'), displayName: 'threads-service' };
