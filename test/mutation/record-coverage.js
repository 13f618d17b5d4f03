// @ts-check
/* global afterEach, afterAll, expect */
const fs = require('node:fs');
const { recordPath, COVERAGE_DIR, ACTIVE_MUTANT } = require('./covering-files');

/**
 * Mutation runs only (a setup file of jest.mutation.config.js): in Stryker's
 * first, unmutated run, writes down which mutants this test file's tests ran
 * — the instrumented code counts them per test in `__stryker__` — for
 * covering-files.js to pick the files a mutant's run loads.
 */
const dir = process.env[COVERAGE_DIR];
if (dir && process.env[ACTIVE_MUTANT] === undefined) {
  /** @returns {{ currentTestId?: string, mutantCoverage?: { perTest?: Record<string, Record<string, number>> } } | undefined} */
  const instrumenter = () => /** @type {any} */ (globalThis).__stryker__;
  const tests = new Set();
  afterEach(() => {
    const id = instrumenter()?.currentTestId;
    if (id !== undefined) tests.add(id);
  });
  afterAll(() => {
    const perTest = instrumenter()?.mutantCoverage?.perTest ?? {};
    const mutants = new Set();
    for (const test of tests) for (const id of Object.keys(perTest[test] ?? {})) mutants.add(id);
    const { testPath } = expect.getState();
    fs.writeFileSync(recordPath(dir, String(testPath)), JSON.stringify({ testPath, mutants: [...mutants] }));
  });
}
