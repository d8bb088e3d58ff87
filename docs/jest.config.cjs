module.exports = {
  ...require('../jest.preset.cjs'),
  testEnvironment: require.resolve('@seglang/testing/jest-environment'),
  moduleNameMapper: {
    '^@seglang/([a-z-]+)$': '<rootDir>/../packages/$1/src/index.ts',
    '^@seglang/([a-z-]+)/node$': '<rootDir>/../packages/$1/src/node.ts',
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120000,
};
