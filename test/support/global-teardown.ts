import fs from 'node:fs';
import path from 'node:path';
import { stopServer } from '../../db/embedded';
import { ENV_EMBEDDED_DIR, ENV_PREPARED, ENV_RUN_ID, onServer } from './cluster';

/** Drops every database of this run, and stops the embedded server if the setup started one. */
export default async function globalTeardown(): Promise<void> {
  if (process.env[ENV_PREPARED]) return;
  const run = process.env[ENV_RUN_ID];
  const embeddedDir = process.env[ENV_EMBEDDED_DIR];
  if (embeddedDir) {
    const pid = Number(fs.readFileSync(path.join(embeddedDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    await stopServer(pid);
    fs.rmSync(embeddedDir, { recursive: true, force: true });
    return;
  }
  if (!run) return;
  await onServer(async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`sn\\_${run}\\_%`]);
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  });
}
