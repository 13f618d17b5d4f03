import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import globalSetup from '../support/global-setup';
import globalTeardown from '../support/global-teardown';
import { ENV_PREPARED } from '../support/cluster';

/**
 * `npm run test:mutation [-- stryker options]`: the mutation tests. One
 * PostgreSQL (embedded, or DATABASE_URL) and one migrated template are made
 * here for all of Stryker's jest runs — each run's own global setup would
 * otherwise start a server per mutant — then Stryker runs (stryker.config.mjs),
 * then the cluster is removed. Incremental: mutants whose code and tests did
 * not change keep their last result (reports/mutation/incremental.json).
 */
async function main(): Promise<number> {
  await globalSetup();
  // Which test files ran which mutants (test/mutation/record-coverage.js), for this run only.
  const coverage = fs.mkdtempSync(path.join(os.tmpdir(), 'song-nexus-mutation-'));
  try {
    const bin = path.join(__dirname, '..', '..', 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
    const stryker = spawnSync(process.execPath, [bin, 'run', ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, [ENV_PREPARED]: '1', MUTATION_COVERAGE_DIR: coverage },
    });
    return stryker.status ?? 1;
  } finally {
    fs.rmSync(coverage, { recursive: true, force: true });
    await globalTeardown();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
