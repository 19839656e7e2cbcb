module.exports = { ...require('../../jest.preset.js'), displayName: 'report-kit' };
