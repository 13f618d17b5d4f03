import { spawnSync } from 'node:child_process';
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
  try {
    const bin = path.join(__dirname, '..', '..', 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
    const stryker = spawnSync(process.execPath, [bin, 'run', ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, [ENV_PREPARED]: '1' },
    });
    return stryker.status ?? 1;
  } finally {
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
