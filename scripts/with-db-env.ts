import { spawn } from 'node:child_process';
import { openDatabase } from '../db/database';
import { loadConfig } from '../server/config';
import { redactConnectionString } from '../lib/logger';

/**
 * with-db-env <command> [args…]
 *
 * Runs a command (pg_dump, pg_restore, psql…) against the configured
 * database: DATABASE_URL, or the embedded PostgreSQL under DATA_DIR — joined
 * when running, otherwise started for the command and stopped afterwards.
 * The connection goes to the command as PGHOST/PGPORT/PGUSER/PGPASSWORD/
 * PGDATABASE environment variables, never on its command line, so no
 * password shows in the process list. Exits with the command's status.
 */
async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    process.stderr.write('usage: with-db-env <command> [args…]\n');
    return 64;
  }
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const url = new URL(database.connectionString);
    // The command inherits this process's environment (PATH, locale…) plus
    // the connection, and not DATABASE_URL, whose password it does not need.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username),
      PGPASSWORD: decodeURIComponent(url.password),
      PGDATABASE: decodeURIComponent(url.pathname.slice(1)),
      ...(url.searchParams.get('sslmode') ? { PGSSLMODE: url.searchParams.get('sslmode')! } : {}),
    };
    delete env.DATABASE_URL;
    return await new Promise<number>((resolve) => {
      const child = spawn(command, args, { stdio: 'inherit', env });
      child.on('error', (err) => {
        process.stderr.write(`with-db-env: cannot run ${command}: ${err.message}\n`);
        resolve(127);
      });
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
    });
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`with-db-env: ${redactConnectionString(err instanceof Error ? err.message : String(err))}\n`);
    process.exit(1);
  },
);
