module.exports = { ...require('../../jest.preset.js'), displayName: 'procpool-service' };
