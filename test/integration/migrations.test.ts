import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { migrate, readMigrations } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { schemaFile } from '../../lib/paths';
import { catalogSnapshot } from '../support/catalog';
import { createDatabase, dropDatabase, newDatabaseName } from '../support/cluster';
import { tempDir } from '../support/temp-dir';

/** Empty databases made by this file, dropped at the end. */
const made: { name: string; pool: pg.Pool }[] = [];

async function emptyDatabase(): Promise<pg.Pool> {
  const name = newDatabaseName('mig');
  const pool = createPool({ connectionString: await createDatabase(name), max: 3 });
  made.push({ name, pool });
  return pool;
}

afterAll(async () => {
  for (const { name, pool } of made) {
    await pool.end();
    await dropDatabase(name);
  }
});

function migrationsIn(files: Record<string, string>): string {
  const dir = tempDir('sn-migrations-');
  for (const [file, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), sql);
  return dir;
}

describe('migrations', () => {
  it('build exactly the schema of db/schema.sql from an empty database', async () => {
    const fromSchema = await emptyDatabase();
    await fromSchema.query(fs.readFileSync(schemaFile, 'utf8'));
    const fromMigrations = await emptyDatabase();
    await migrate(fromMigrations);

    const expected = await catalogSnapshot(fromSchema);
    expect(expected.columns!.length).toBeGreaterThan(100);
    expect(await catalogSnapshot(fromMigrations)).toEqual(expected);
  });

  it('apply nothing the second time', async () => {
    const pool = await emptyDatabase();
    expect(await migrate(pool)).toEqual(readMigrations().map((m) => m.version));
    expect(await migrate(pool)).toEqual([]);
  });

  it('apply each step once when two processes migrate at the same moment', async () => {
    const name = newDatabaseName('mig');
    const url = await createDatabase(name);
    const a = createPool({ connectionString: url, max: 2 });
    const b = createPool({ connectionString: url, max: 2 });
    made.push({ name, pool: a }, { name: `${name}`, pool: b });
    const [first, second] = await Promise.all([migrate(a), migrate(b)]);
    expect([...first, ...second].sort()).toEqual(readMigrations().map((m) => m.version));
    const { rows } = await a.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe(readMigrations().length);
  });

  it('roll a failing step back completely and record nothing for it', async () => {
    const pool = await emptyDatabase();
    const dir = migrationsIn({
      '0001_ok.sql': 'CREATE TABLE a (id int);',
      '0002_broken.sql': 'CREATE TABLE b (id int); SELECT no_such_function();',
    });
    await expect(migrate(pool, { migrations: readMigrations(dir) })).rejects.toThrow(/0002_broken failed/);
    const tables = await pool.query(`SELECT table_name FROM information_schema.tables WHERE table_name IN ('a', 'b')`);
    expect(tables.rows).toEqual([{ table_name: 'a' }]);
    const applied = await pool.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(applied.rows).toEqual([{ version: '0001' }]);
  });

  it('refuse to run when an applied migration was edited afterwards', async () => {
    const pool = await emptyDatabase();
    await migrate(pool, { migrations: readMigrations(migrationsIn({ '0001_t.sql': 'CREATE TABLE t (id int);' })) });
    const edited = readMigrations(migrationsIn({ '0001_t.sql': 'CREATE TABLE t (id bigint);' }));
    await expect(migrate(pool, { migrations: edited })).rejects.toThrow(/changed after it was applied/);
  });

  it('refuse badly named migration files', () => {
    expect(() => readMigrations(migrationsIn({ 'add-things.sql': 'SELECT 1;' }))).toThrow(/0001_name\.sql/);
  });
});
