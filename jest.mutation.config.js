/**
 * The jest configuration the mutation tests run (stryker.config.mjs): the
 * suite without the browser journeys (minutes each, and covered by the
 * integration tests beneath them), without the outage tests (they bound how
 * long an answer may take, which instrumented code cannot keep to) and
 * without the no-skips reporter (Stryker runs only the tests that cover a
 * mutant, so the rest count as skipped). A mutant's run loads only the test
 * files that ran it in Stryker's first run (test/mutation/covering-files.js).
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/integration/[a-z0-9]+-outage\\.test\\.ts$'],
  reporters: ['default'],
  setupFilesAfterEnv: [...base.setupFilesAfterEnv, '<rootDir>/test/mutation/record-coverage.js'],
  filter: '<rootDir>/test/mutation/covering-files.js',
};
