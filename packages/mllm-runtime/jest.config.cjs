module.exports = {
  ...require('../../jest.preset.cjs'),
  testEnvironment: '<rootDir>/test/environment.cjs',
  testTimeout: 120000,
};
