/**
 * Mutation testing (`npm run test:mutation`, see test/mutation/run.ts): each
 * rule in the folders below is broken one way at a time, and the tests that
 * run that code must fail. The score is in the README; the mutants that
 * survive and why are in test/mutation/SURVIVORS.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'services/checkout/**/*.ts',
    'services/payments/**/*.ts',
    'services/streaming/**/*.ts',
    'services/auth/**/*.ts',
    'services/ledger/**/*.ts',
    'services/pricing/**/*.ts',
    'services/theme/design-tokens.ts',
    'services/audio/preview/**/*.ts',
  ],
  // Not a dot folder: files under a dot folder are not served (express's sendFile ignores them), so pages would 500.
  tempDirName: 'stryker-tmp',
  ignorePatterns: ['dist', 'uploads', 'reports', 'bench/results', 'stryker-tmp'],
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  // Four workers: two type-check while two run tests, then all four run tests.
  concurrency: 4,
  // A mutant whose tests run 20 s past their usual time (×1.5) is counted as caught (an endless loop, say).
  timeoutMS: 20_000,
  // The first, unmutated run of every test that may cover the files (with coverage per test) takes
  // 4–5 minutes on two cores: Stryker's default limit of 5 failed it when anything else ran.
  dryRunTimeoutMinutes: 15,
  // Mutants in code that runs once, when a module loads (zod schemas, constant tables), can only be
  // told apart by reloading everything: each would cost a whole suite run (3.5 min). They are left
  // out, and counted as "ignored" in the report; test/mutation/SURVIVORS.md says so.
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
};
