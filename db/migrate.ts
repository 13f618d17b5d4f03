import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { migrationsDir } from '../lib/paths';

export interface Migration {
  /** The numeric prefix of the file name, e.g. "0001". */
  version: string;
  name: string;
  sql: string;
  /** SHA-256 of the file, to notice a migration edited after it was applied. */
  checksum: string;
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

// Any constant shared by every process that migrates: pg_advisory_lock makes
// concurrent runners (two app servers starting together, a CLI beside the
// app) wait for each other instead of racing to apply the same step.
const MIGRATION_LOCK_KEY = 727_203_001;

/** Reads the migration files of a folder, ordered by version. */
export function readMigrations(dir: string = migrationsDir): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new Error(`migration file name must look like 0001_name.sql: ${file}`);
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        version: match[1]!,
        name: match[2]!,
        sql,
        checksum: crypto.createHash('sha256').update(sql).digest('hex'),
      };
    });
  const versions = new Set(migrations.map((m) => m.version));
  if (versions.size !== migrations.length) throw new Error(`two migrations share a version in ${dir}`);
  return migrations;
}

/**
 * Applies every pending migration, each in its own transaction together with
 * its `schema_migrations` row, so a failed step leaves nothing behind. Safe to
 * run again (applied steps are skipped) and from several processes at once
 * (an advisory lock serialises them). Refuses to run when an applied
 * migration's file has changed since.
 * @returns the versions applied by this call.
 */
export async function migrate(
  pool: pg.Pool,
  options: { migrations?: Migration[]; log?: (message: string) => void } = {},
): Promise<string[]> {
  const migrations = options.migrations ?? readMigrations();
  const log = options.log ?? (() => undefined);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version VARCHAR(20) PRIMARY KEY,
        name VARCHAR(200) NOT NULL,
        checksum CHAR(64) NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations');
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(`migration ${migration.version}_${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.version}_${migration.name} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      log(`applied migration ${migration.version}_${migration.name}`);
      done.push(migration.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
