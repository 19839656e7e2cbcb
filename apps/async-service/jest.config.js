module.exports = { ...require('../../jest.preset.js'), displayName: 'async-service' };
