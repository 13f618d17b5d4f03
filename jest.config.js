/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type errors are caught by `npm run typecheck`; tests only transpile.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  // Browser modules import the compiled contract ("../contract/money.js"); tests run its sources.
  moduleNameMapper: { '^(?:\\.\\./)+contract/(.*)\\.js$': '<rootDir>/contract/$1' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/file-end.ts'],
  reporters: ['default', '<rootDir>/test/support/no-skips-reporter.js'],
  maxWorkers: 2,
  testTimeout: 30000,
  // Servers and pools are closed by the tests; a hang is a bug to see, not to hide.
  openHandlesTimeout: 5000,
};
