import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * Operating-system chores of the embedded PostgreSQL: which user it runs as,
 * whether that user can reach its folders, free ports, process checks and
 * the start lock.
 */

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

export const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/**
 * PostgreSQL refuses to run as root. As root we run it as the system's
 * `postgres` user when there is one (Debian's server package creates it),
 * otherwise as `nobody`; as anyone else, as ourselves.
 */
export function resolveRunAs(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid, name };
    } catch {
      // try the next candidate
    }
  }
  throw new EmbeddedPostgresError(
    'running as root, and there is no "postgres" or "nobody" user to run PostgreSQL as; run as an ordinary user or set DATABASE_URL',
  );
}

/** Every folder above `target` must be enterable by the user PostgreSQL runs as. */
export function assertReachable(target: string, runAs: RunAs, what: string): void {
  let dir = path.resolve(target);
  for (;;) {
    const stat = fs.statSync(dir);
    const canEnter =
      stat.uid === runAs.uid ? (stat.mode & 0o100) !== 0 : stat.gid === runAs.gid ? (stat.mode & 0o010) !== 0 : (stat.mode & 0o001) !== 0;
    if (!canEnter) {
      throw new EmbeddedPostgresError(
        `PostgreSQL cannot run as root, so it runs as "${runAs.name}", who cannot enter ${dir} (on the way to the ${what}); ` +
          'choose a DATA_DIR outside private folders such as /root, or set DATABASE_URL',
      );
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A lock file serialises processes that start the embedded server at the same
 * moment (the app and a CLI, say), so only one runs initdb or the server.
 */
export async function withStartLock<T>(dataDir: string, fn: () => Promise<T>): Promise<T> {
  const lockFile = path.join(dataDir, '.embedded-postgres.lock');
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lockFile, 'utf8'));
      if (!isAlive(holder)) {
        fs.rmSync(lockFile, { force: true }); // left by a process that died
        continue;
      }
      if (Date.now() > deadline) throw new EmbeddedPostgresError(`timed out waiting for ${lockFile} (held by pid ${holder})`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

/** Sends the fast-shutdown signal and waits until the server has exited. */
export async function stopServer(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await sleep(50);
  }
}
