// The project's own jest settings, pointed at the fixtures beside this file
// (and without the database set-up), so test/unit/test-guard.test.ts can show
// that those settings fail a test on an unhandled rejection or 'error' event.
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/guard'],
  testMatch: ['**/*.fixture.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
