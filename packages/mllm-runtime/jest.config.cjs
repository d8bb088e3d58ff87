module.exports = {
  ...require('../../jest.preset.cjs'),
  testEnvironment: require.resolve('@seglang/testing/jest-environment'),
  testTimeout: 120000,
};
