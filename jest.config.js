// The AWS SDK prints a multi-line notice on every S3 client made under Node 20 (its releases after
// January 2027 need Node 22; the pinned ones work). Workers inherit this. See README, notes on dependencies.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Every source folder, not only test/: jest's related-tests graph (jest --findRelatedTests, which the
  // mutation tests use to pick the tests of a mutant) follows imports only through files under the roots.
  roots: ['test', 'services', 'routes', 'server', 'db', 'lib', 'contract', 'scripts', 'dev'].map((dir) => `<rootDir>/${dir}`),
  testMatch: ['<rootDir>/test/**/*.test.ts'],
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
