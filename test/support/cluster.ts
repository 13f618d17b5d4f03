import crypto from 'node:crypto';
import pg from 'pg';

/**
 * Shared facts about the test cluster, passed from the global setup to the
 * test workers through environment variables (workers inherit them).
 */
export const ENV_SERVER_URL = 'SONG_NEXUS_TEST_SERVER_URL';
export const ENV_TEMPLATE = 'SONG_NEXUS_TEST_TEMPLATE';
export const ENV_RUN_ID = 'SONG_NEXUS_TEST_RUN';
export const ENV_EMBEDDED_DIR = 'SONG_NEXUS_TEST_EMBEDDED_DIR';
/** Set by a runner that prepared the cluster itself for many jest runs (the mutation tests): setup and teardown leave it be. */
export const ENV_PREPARED = 'SONG_NEXUS_TEST_PREPARED';

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest (npm test), whose global setup sets it`);
  return value;
}

/** The URL of `database` on the test server. */
export function databaseUrl(database: string): string {
  const url = new URL(requireEnv(ENV_SERVER_URL));
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs statements on the server's maintenance database (CREATE/DROP DATABASE). */
export async function onServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: requireEnv(ENV_SERVER_URL) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database name belonging to this test run (dropped by the teardown). */
export function newDatabaseName(kind: string): string {
  return `sn_${requireEnv(ENV_RUN_ID)}_${kind}_${crypto.randomBytes(4).toString('hex')}`;
}

export async function createDatabase(name: string, template?: string): Promise<string> {
  await onServer((c) =>
    c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}${template ? ` TEMPLATE ${c.escapeIdentifier(template)}` : ''}`),
  );
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await onServer((c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`));
}
