import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { projectRoot } from '../../lib/paths';
import { ENV_TEMPLATE, createDatabase, dropDatabase, newDatabaseName, requireEnv } from '../support/cluster';
import { buildOrder, buildPasskey, buildPurchase, buildTrack, buildUser } from '../support/factories';
import { toolAvailable } from '../support/require-tool';
import { tempDir } from '../support/temp-dir';

jest.setTimeout(120_000);

const havePgDump = toolAvailable('/usr/bin/pg_dump', 'apt-get install postgresql-client-15');

interface Run {
  code: number | null;
  output: string;
}

/** Runs one of the operator scripts with exactly `env` (plus PATH). */
function runScript(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(projectRoot, 'scripts', script), ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    });
    let output = '';
    child.stdout.on('data', (c) => (output += String(c)));
    child.stderr.on('data', (c) => (output += String(c)));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const backupsIn = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .sort();

/** Row count and a digest of every row, per table: equal snapshots mean equal contents. */
async function contentSnapshot(url: string): Promise<Record<string, { rows: number; md5: string }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const snapshot: Record<string, { rows: number; md5: string }> = {};
    for (const { table_name } of tables) {
      const t = client.escapeIdentifier(table_name);
      const { rows } = await client.query<{ rows: number; md5: string }>(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS md5 FROM ${t} x`,
      );
      snapshot[table_name] = rows[0]!;
    }
    return snapshot;
  } finally {
    await client.end();
  }
}

/** A database cloned from the migrated template and filled with a little of everything. */
async function populatedStore(): Promise<Store> {
  const name = newDatabaseName('bk');
  const url = await createDatabase(name, requireEnv(ENV_TEMPLATE));
  const pool = createPool({ connectionString: url, max: 2 });
  try {
    const artist = await buildUser(pool, { role: 'artist', displayName: 'Ünïcödé “Artist”' });
    const buyer = await buildUser(pool);
    const track = await buildTrack(pool, { artistUserId: artist.id, priceEur: '1.29', description: 'line one\nline two' });
    await buildTrack(pool, { artistUserId: artist.id, isPublished: false });
    const order = await buildOrder(pool, { userId: buyer.id, items: [{ trackId: track.id, price: '1.29' }] });
    await buildPurchase(pool, { userId: buyer.id, trackId: track.id, orderId: order.id });
    await pool.query('INSERT INTO play_history (user_id, track_id, duration_played_seconds) VALUES ($1, $2, 95)', [buyer.id, track.id]);
    await buildPasskey(pool, { userId: buyer.id });
    await pool.query(`INSERT INTO design_system (color_primary, is_active, updated_by) VALUES ('#112233', false, 'admin')`);
  } finally {
    await pool.end();
  }
  return { name, url };
}

interface Store {
  name: string;
  url: string;
}

/** Runs `body` against a fresh populated store and an empty backup folder; the store is dropped afterwards. */
async function withStore(body: (store: Store, backupDir: string) => Promise<void>): Promise<void> {
  const store = await populatedStore();
  try {
    await body(store, tempDir('sn-bk-'));
  } finally {
    await dropDatabase(store.name);
  }
}

/** Backs `store` up into `backupDir` and returns the dump's path. */
async function backUp(store: Store, backupDir: string): Promise<string> {
  expect((await runScript('backup-db.sh', [], { DATABASE_URL: store.url, BACKUP_DIR: backupDir })).code).toBe(0);
  return path.join(backupDir, backupsIn(backupDir)[0]!);
}

(havePgDump ? describe : describe.skip)('database backup and restore', () => {
  it('backs up a populated store and restores it into a recreated database with identical contents', async () => {
    await withStore(async (store, backupDir) => {
      const before = await contentSnapshot(store.url);
      expect(before.users!.rows).toBe(2);

      const backup = await runScript('backup-db.sh', [], { DATABASE_URL: store.url, BACKUP_DIR: backupDir });
      expect(backup.code).toBe(0);
      const files = backupsIn(backupDir);
      expect(files).toEqual([expect.stringMatching(/^db-\d{8}-\d{6}\.dump$/), expect.stringMatching(/^db-\d{8}-\d{6}\.dump\.sha256$/)]);
      const dump = path.join(backupDir, files[0]!);
      // E-mail addresses and session hashes: readable by the user who made it only (umask 077).
      expect([fs.statSync(dump).mode & 0o777, fs.statSync(`${dump}.sha256`).mode & 0o777]).toEqual([0o600, 0o600]);
      const digest = crypto.createHash('sha256').update(fs.readFileSync(dump)).digest('hex');
      expect(fs.readFileSync(`${dump}.sha256`, 'utf8')).toBe(`${digest}  ${files[0]}\n`);
      expect(backup.output).toMatch(/backup-db: ok file=.* size=\d+ duration=\d+s/);
      expect(backup.output).not.toContain(new URL(store.url).password);

      await dropDatabase(store.name);
      await createDatabase(store.name);
      const restore = await runScript('restore-db.sh', [dump], { DATABASE_URL: store.url });
      expect(restore.code).toBe(0);
      expect(restore.output).toMatch(/users\s+2/);
      expect(restore.output).toMatch(/tracks\s+2/);
      expect(await contentSnapshot(store.url)).toEqual(before);

      // Sequences came back too: new rows do not collide with restored ones.
      const pool = createPool({ connectionString: store.url, max: 1 });
      await expect(buildUser(pool)).resolves.toMatchObject({ id: 3 });
      await pool.end();
    });
  });

  it('refuses to restore over a database that has tables, unless --force', async () => {
    await withStore(async (store, backupDir) => {
      const dump = await backUp(store, backupDir);
      const before = await contentSnapshot(store.url);
      const pool = createPool({ connectionString: store.url, max: 1 });
      await buildUser(pool); // a change made after the backup
      await pool.end();

      const refused = await runScript('restore-db.sh', [dump], { DATABASE_URL: store.url });
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(/not empty .* pass --force/);

      const forced = await runScript('restore-db.sh', [dump, '--force'], { DATABASE_URL: store.url });
      expect(forced.code).toBe(0);
      expect(await contentSnapshot(store.url)).toEqual(before);
    });
  });

  it('refuses a corrupted backup and one without its checksum, leaving the database alone', async () => {
    await withStore(async (store, backupDir) => {
      const dump = await backUp(store, backupDir);
      await dropDatabase(store.name);
      await createDatabase(store.name);

      const bytes = fs.readFileSync(dump);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      const corrupted = path.join(backupDir, 'db-20000101-000000.dump');
      fs.writeFileSync(corrupted, bytes);
      fs.copyFileSync(`${dump}.sha256`, `${corrupted}.sha256`);
      const bad = await runScript('restore-db.sh', [corrupted], { DATABASE_URL: store.url });
      expect(bad.code).toBe(1);
      expect(bad.output).toMatch(/checksum mismatch/);

      fs.rmSync(`${dump}.sha256`);
      const unverifiable = await runScript('restore-db.sh', [dump], { DATABASE_URL: store.url });
      expect(unverifiable.code).toBe(1);
      expect(unverifiable.output).toMatch(/no checksum/);

      expect(await contentSnapshot(store.url)).toEqual({});
    });
  });

  it('removes only its own old backups when applying retention', async () => {
    await withStore(async (store, backupDir) => {
      const old = new Date(Date.now() - 40 * 86_400_000);
      const recent = new Date(Date.now() - 2 * 86_400_000);
      const files: Record<string, Date> = {
        'db-20200101-000000.dump': old,
        'db-20200101-000000.dump.sha256': old,
        'db-20260101-000000.dump': recent,
        'db-manual-copy.dump': old,
        'notes.txt': old,
        'uploads-20200101-000000.tar.gz': old,
      };
      for (const [name, mtime] of Object.entries(files)) {
        fs.writeFileSync(path.join(backupDir, name), 'x');
        fs.utimesSync(path.join(backupDir, name), mtime, mtime);
      }
      const run = await runScript('backup-db.sh', [], { DATABASE_URL: store.url, BACKUP_DIR: backupDir, BACKUP_RETENTION_DAYS: '30' });
      expect(run.code).toBe(0);
      expect(run.output).toContain('removed_old=1');
      const left = backupsIn(backupDir);
      expect(left).not.toContain('db-20200101-000000.dump');
      expect(left).not.toContain('db-20200101-000000.dump.sha256');
      for (const kept of ['db-20260101-000000.dump', 'db-manual-copy.dump', 'notes.txt', 'uploads-20200101-000000.tar.gz']) {
        expect(left).toContain(kept);
      }
    });
  });

  it('refuses to start while another run holds the lock', async () => {
    await withStore(async (store, backupDir) => {
      // Another run holding the lock: flock(1) in its own process group, killed as a group afterwards.
      const holder = spawn('flock', [path.join(backupDir, '.backup-db.lock'), 'sleep', '30'], { stdio: 'ignore', detached: true });
      try {
        await new Promise((r) => setTimeout(r, 300));
        const run = await runScript('backup-db.sh', [], { DATABASE_URL: store.url, BACKUP_DIR: backupDir });
        expect(run.code).toBe(75);
        expect(run.output).toMatch(/another backup-db run is in progress/);
        expect(backupsIn(backupDir)).toEqual([]);
      } finally {
        process.kill(-holder.pid!, 'SIGKILL');
      }
    });
  });

  it('exits non-zero and leaves no partial file when the database cannot be reached', async () => {
    const backupDir = tempDir('sn-bk-');
    const run = await runScript('backup-db.sh', [], {
      DATABASE_URL: 'postgres://nobody:secret-pw@127.0.0.1:1/none',
      BACKUP_DIR: backupDir,
    });
    expect(run.code).not.toBe(0);
    expect(run.output).not.toContain('secret-pw');
    expect(fs.readdirSync(backupDir).filter((f) => f !== '.backup-db.lock')).toEqual([]);
  });

  it('exits non-zero when BACKUP_DIR cannot be written', async () => {
    const parentFile = path.join(tempDir('sn-bk-'), 'a-file');
    fs.writeFileSync(parentFile, 'x');
    const run = await runScript('backup-db.sh', [], {
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
      BACKUP_DIR: path.join(parentFile, 'backups'),
    });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/cannot create BACKUP_DIR/);
  });

  it('backs up the embedded database when DATABASE_URL is unset, starting and stopping it', async () => {
    const dataDir = tempDir('sn-bk-data-');
    const backupDir = tempDir('sn-bk-');
    const embedded = await startEmbeddedPostgres({ dataDir });
    const pool = createPool({ connectionString: embedded.connectionString, max: 1 });
    await migrate(pool);
    await buildUser(pool, { email: 'embedded@example.test' });
    await pool.end();
    await embedded.stop();
    try {
      const run = await runScript('backup-db.sh', [], { DATA_DIR: dataDir, BACKUP_DIR: backupDir });
      expect(run.code).toBe(0);
      expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
      const dump = path.join(backupDir, backupsIn(backupDir)[0]!);
      const listing = await new Promise<string>((resolve) => {
        const child = spawn('pg_restore', ['--list', dump]);
        let out = '';
        child.stdout.on('data', (c) => (out += String(c)));
        child.on('exit', () => resolve(out));
      });
      expect(listing).toMatch(/TABLE DATA public users/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('uploads backup and restore', () => {
  function fillUploads(dir: string): Record<string, string> {
    const digests: Record<string, string> = {};
    for (const rel of ['audio/a1.mp3', 'audio/b2.flac', 'previews/a1.mp3', 'images/cover one.webp', '.gitkeep']) {
      const file = path.join(dir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const bytes = crypto.randomBytes(rel === '.gitkeep' ? 0 : 50_000 + Math.floor(Math.random() * 1000));
      fs.writeFileSync(file, bytes);
      digests[rel] = crypto.createHash('sha256').update(bytes).digest('hex');
    }
    fs.writeFileSync(path.join(dir, 'audio', 'in-progress.tmp'), 'half');
    return digests;
  }

  function digestsOf(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const rel = path.relative(dir, path.join(entry.parentPath, entry.name));
      out[rel] = crypto
        .createHash('sha256')
        .update(fs.readFileSync(path.join(dir, rel)))
        .digest('hex');
    }
    return out;
  }

  it('restores the uploaded files byte for byte, refusing a non-empty folder unless --force', async () => {
    const uploads = path.join(tempDir('sn-up-'), 'uploads');
    const backupDir = tempDir('sn-bk-');
    const digests = fillUploads(uploads);
    const backup = await runScript('backup-uploads.sh', [], { UPLOAD_DIR: uploads, BACKUP_DIR: backupDir });
    expect(backup.code).toBe(0);
    const archive = path.join(
      backupDir,
      backupsIn(backupDir).find((f) => f.endsWith('.tar.gz'))!,
    );
    expect(path.basename(archive)).toMatch(/^uploads-\d{8}-\d{6}\.tar\.gz$/);
    // It holds the store's files: readable by the user who made it only, like its checksum.
    expect(fs.statSync(archive).mode & 0o777).toBe(0o600);
    expect(fs.statSync(`${archive}.sha256`).mode & 0o777).toBe(0o600);

    const refused = await runScript('restore-uploads.sh', [archive], { UPLOAD_DIR: uploads });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/not empty; pass --force/);

    fs.rmSync(uploads, { recursive: true });
    const restored = await runScript('restore.sh', [archive], { UPLOAD_DIR: uploads });
    expect(restored.code).toBe(0);
    expect(digestsOf(uploads)).toEqual(digests); // the *.tmp file in progress was left out

    fs.writeFileSync(path.join(uploads, 'audio', 'a1.mp3'), 'damaged');
    const forced = await runScript('restore-uploads.sh', [archive, '--force'], { UPLOAD_DIR: uploads });
    expect(forced.code).toBe(0);
    expect(digestsOf(uploads)).toEqual(digests);
  });

  it('refuses a corrupted archive and one with paths that leave the folder', async () => {
    const uploads = path.join(tempDir('sn-up-'), 'uploads');
    const backupDir = tempDir('sn-bk-');
    fillUploads(uploads);
    expect((await runScript('backup-uploads.sh', [], { UPLOAD_DIR: uploads, BACKUP_DIR: backupDir })).code).toBe(0);
    const archive = path.join(
      backupDir,
      backupsIn(backupDir).find((f) => f.endsWith('.tar.gz'))!,
    );
    const bytes = fs.readFileSync(archive);
    bytes[bytes.length - 20]! ^= 0xff;
    fs.writeFileSync(archive, bytes);
    const target = path.join(tempDir('sn-up-'), 'empty');
    const corrupted = await runScript('restore-uploads.sh', [archive], { UPLOAD_DIR: target });
    expect(corrupted.code).toBe(1);
    expect(corrupted.output).toMatch(/checksum mismatch/);

    // A hand-made archive whose checksum is right but which escapes its folder.
    const evilDir = tempDir('sn-evil-');
    fs.writeFileSync(path.join(evilDir, 'x'), 'x');
    const evil = path.join(backupDir, 'uploads-20000101-000000.tar.gz');
    await new Promise((resolve) => spawn('tar', ['-czf', evil, '-C', evilDir, '--transform', 's,^,../,', 'x']).on('exit', resolve));
    fs.writeFileSync(`${evil}.sha256`, `${crypto.createHash('sha256').update(fs.readFileSync(evil)).digest('hex')}  x\n`);
    const escaped = await runScript('restore-uploads.sh', [evil], { UPLOAD_DIR: target });
    expect(escaped.code).toBe(1);
    expect(escaped.output).toMatch(/paths outside/);
    expect(fs.existsSync(path.join(path.dirname(target), 'x'))).toBe(false);
  });

  it('refuses with S3 storage, whose files are not in UPLOAD_DIR, and writes nothing', async () => {
    const uploads = path.join(tempDir('sn-up-'), 'uploads');
    fillUploads(uploads); // what a local folder may still hold: not the store's files
    const backupDir = tempDir('sn-bk-');
    const run = await runScript('backup-uploads.sh', [], {
      UPLOAD_DIR: uploads,
      BACKUP_DIR: backupDir,
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'music',
    });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/STORAGE_DRIVER=s3: the audio and images are in the bucket music/);
    expect(fs.readdirSync(backupDir)).toEqual([]);
  });

  it('fails clearly when UPLOAD_DIR does not exist', async () => {
    const run = await runScript('backup-uploads.sh', [], { UPLOAD_DIR: '/nonexistent/uploads', BACKUP_DIR: tempDir('sn-bk-') });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/is not a folder/);
  });
});
