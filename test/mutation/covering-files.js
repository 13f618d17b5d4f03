// @ts-check
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/**
 * jest's `filter` in mutation runs (jest.mutation.config.js): while a mutant
 * is active, keeps only the test files whose tests ran it in Stryker's first
 * run (recorded by record-coverage.js); a file with no record is kept. In
 * that first run, or outside Stryker, every file is kept.
 *
 * Why: Stryker names the tests that cover a mutant, but jest still loads
 * every test file that imports the mutated one to look for them, and for a
 * service that is dozens of files, each building the whole app. Plain
 * JavaScript, as jest requires a filter without transforming it.
 */
const records = new Map();
/** The folder of records (test/mutation/run.ts sets it), and the mutant Stryker has switched on. */
const COVERAGE_DIR = 'MUTATION_COVERAGE_DIR';
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

/** The file that holds a test file's record in `dir`. @param {string} dir @param {string} testPath */
function recordPath(dir, testPath) {
  return path.join(dir, `${crypto.createHash('sha1').update(testPath).digest('hex')}.json`);
}

/** @param {string} dir @param {string} testPath @returns {Set<string> | undefined} */
function mutantsOf(dir, testPath) {
  if (!records.has(testPath)) {
    const file = recordPath(dir, testPath);
    records.set(testPath, fs.existsSync(file) ? new Set(JSON.parse(fs.readFileSync(file, 'utf8')).mutants) : undefined);
  }
  return records.get(testPath);
}

/** @param {string[]} testPaths */
async function coveringFiles(testPaths) {
  const dir = process.env[COVERAGE_DIR];
  const active = process.env[ACTIVE_MUTANT];
  if (!dir || active === undefined) return { filtered: testPaths };
  return { filtered: testPaths.filter((p) => mutantsOf(dir, p)?.has(active) ?? true) };
}

module.exports = coveringFiles;
module.exports.recordPath = recordPath;
module.exports.COVERAGE_DIR = COVERAGE_DIR;
module.exports.ACTIVE_MUTANT = ACTIVE_MUTANT;
