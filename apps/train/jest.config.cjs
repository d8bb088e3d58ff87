module.exports = {
  ...require('../../jest.preset.cjs'),
  moduleNameMapper: {
    '^@seglang/([a-z-]+)$': '<rootDir>/../../packages/$1/src/index.ts',
    '^@seglang/([a-z-]+)/node$': '<rootDir>/../../packages/$1/src/node.ts',
  },
  // hyparquet-writer (and its reader, hyparquet) ship ES modules only: compiled like our sources.
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer)/)'],
  testTimeout: 120000,
};
