import type pg from 'pg';
import { openDatabase } from '../../db/database';
import { migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { loadConfig, type Config } from '../../server/config';
import { createLogger, redactConnectionString, type Logger } from '../../lib/logger';
import { recordedStandinAddress } from '../../lib/standin-address';

/**
 * With the stand-in and no PAYPAL_STANDIN_URL, the development server's own
 * stand-in (its address recorded under DATA_DIR), if that server runs.
 */
function withRecordedStandin(config: Readonly<Config>): Readonly<Config> {
  if (config.paypal.env !== 'standin' || config.paypal.standinUrl) return config;
  const standinUrl = recordedStandinAddress(config.dataDir);
  return standinUrl ? { ...config, paypal: { ...config.paypal, standinUrl } } : config;
}

export interface ScriptContext {
  config: Readonly<Config>;
  db: pg.Pool;
  logger: Logger;
  /** The database's connection string, for a part that opens its own connections (the job queue). */
  connectionString: string;
}

/**
 * Runs a command-line task against the configured database, whether or not
 * the server is running: DATABASE_URL as is, or the embedded PostgreSQL under
 * DATA_DIR, joined when running or started (and stopped afterwards) when not.
 * Migrations are applied first unless `migrateFirst` is false. Exits non-zero
 * when the task fails.
 */
export async function runWithDatabase(
  name: string,
  task: (ctx: ScriptContext) => Promise<void>,
  options: { migrateFirst?: boolean } = {},
): Promise<void> {
  const config = withRecordedStandin(loadConfig());
  const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'info').child({ script: name });
  let exitCode = 0;
  const database = await openDatabase(config, (message) => logger.info(message)).catch((err: Error) => {
    logger.error(redactConnectionString(err.message));
    process.exit(1);
  });
  // Operators' commands (migrations, cleanup, reconciliation) may run long statements.
  const db = createPool({
    connectionString: database.connectionString,
    max: 4,
    applicationName: `song-nexus ${name}`,
    statementTimeoutMs: 30 * 60_000,
  });
  try {
    if (options.migrateFirst !== false) await migrate(db, { log: (message) => logger.info(message) });
    await task({ config, db, logger, connectionString: database.connectionString });
  } catch (err) {
    logger.error(redactConnectionString(err instanceof Error ? (err.stack ?? err.message) : String(err)));
    exitCode = 1;
  } finally {
    await db.end();
    await database.close();
  }
  // A task may set process.exitCode to report a finding (storage:check's missing files).
  process.exit(exitCode || Number(process.exitCode ?? 0));
}
