module.exports = { ...require('../jest.preset.js'), displayName: 'load-tests' };
