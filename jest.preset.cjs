/** Shared jest config for every workspace: TypeScript through SWC, tests under test/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^@seglang/([a-z-]+)$': '<rootDir>/../$1/src/index.ts',
    '^@seglang/([a-z-]+)/node$': '<rootDir>/../$1/src/node.ts',
  },
};
