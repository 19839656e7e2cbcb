module.exports = { ...require('../../jest.preset.js'), displayName: 'hybrid-service' };
