import postcss from 'postcss';
import request from 'supertest';
import fs from 'node:fs';
import path from 'node:path';
import { TOKEN_COLUMNS } from '../../db/repos/design-system.repo';
import { testStorage } from '../support/storage';
import { columnOf, TOKEN_NAMES } from '../../services/theme/design-tokens';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { png } from '../support/images';
import { testApp } from '../support/app';
import { tempDir } from '../support/temp-dir';

const db = useTestDatabase();
const uploads = tempDir('sn-theme-');

/** The hosts the CSP allows theme images from, as an operator would set them. */
const IMAGE_HOSTS = 'https://cdn.example.com, https://cdn.example.com:8443';
const makeApp = () => testApp(db.pool, { env: { THEME_IMAGE_HOSTS: IMAGE_HOSTS }, storage: testStorage(uploads) });
type App = ReturnType<typeof makeApp>;

/** PUT /api/admin/design-system as the editor sends it: the admin's cookie, the ETag edited, a JSON body (object or raw text). */
const saveTokens = (app: App, cookie: string, ifMatch: string, body: object | string) =>
  request(app).put('/api/admin/design-system').set('Cookie', cookie).set('If-Match', ifMatch).type('json').send(body);

async function current(app: App) {
  const res = await request(app).get('/api/design-system').expect(200);
  return { etag: res.headers.etag as string, theme: res.body };
}

const OWN_ASSET = `/assets/theme/${'ab'.repeat(16)}.png`;

/** Per token kind: values that must be accepted (at the bounds) and refused (beyond them, or hostile). */
const MATRIX: Record<string, { ok: unknown[]; bad: unknown[] }> = {
  color: {
    ok: ['#000000', '#FFFFFF', '#a1B2c3'],
    bad: ['#fff', 'red', '#1234567', '#fff;} body{display:none}', '#12345g', 'rgb(0,0,0)', null, 0, '"#ffffff"'],
  },
  fontSizeBase: { ok: [10, 32], bad: [9, 33, 16.5, '16', null] },
  spacing: { ok: [0, 64], bad: [-1, 65, 1.5, '8px'] },
  playerButtonSize: { ok: [24, 128], bad: [23, 129] },
  weight: { ok: [100, 900, 500], bad: [0, 50, 450, 950, 1000, '700', 'bold'] },
  font: {
    ok: ['Inter, system-ui, sans-serif', 'Georgia', 'x'.repeat(100)],
    bad: ["'Inter'", '"Inter"', 'Inter;}', '</style>', 'x'.repeat(101), 'Inter\\', 'a{b}', '', ' Inter'],
  },
  padding: {
    ok: ['0', '1px', '1px 2px 3px 4px', '0.5rem 1rem', '1.25em 0'],
    bad: ['1px 2px 3px 4px 5px', 'calc(1px)', '1px;color:red', '1 px', '-1px', 'auto', '', '1px\n2px'],
  },
  image: {
    ok: [null, 'https://cdn.example.com/img/hero.png', 'https://cdn.example.com:8443/a.webp?v=2', OWN_ASSET],
    bad: [
      'http://cdn.example.com/a.png',
      'javascript:alert(1)',
      'url(javascript:alert(1))',
      'https://x.example/a".png',
      "https://x.example/a').png",
      'https://x.example/a b.png',
      'https://x.example/a\\).png',
      '/etc/passwd',
      '/assets/theme/../../x.png',
      'data:image/png;base64,AAAA',
      `https://x.example/${'a'.repeat(500)}`,
      'https://elsewhere.example/logo.png', // well-formed, but the CSP would block it
      'https://cdn.example.com:9443/a.png',
    ],
  },
};

function kindOf(name: string): keyof typeof MATRIX {
  if (name.startsWith('color') || name.endsWith('Color')) return 'color';
  if (name === 'fontSizeBase') return 'fontSizeBase';
  if (name === 'playerButtonSize') return 'playerButtonSize';
  if (name.startsWith('fontWeight')) return 'weight';
  if (name === 'fontFamilyBase') return 'font';
  if (name === 'buttonPadding') return 'padding';
  if (name.endsWith('Url')) return 'image';
  return 'spacing';
}

describe('theme validation matrix', () => {
  it('covers every token of the seed', () => {
    expect(TOKEN_NAMES.map(columnOf)).toEqual([...TOKEN_COLUMNS]);
    expect(TOKEN_NAMES).toHaveLength(23);
  });

  it('accepts every token at its bounds and refuses it beyond them with a code naming the field', async () => {
    const app = makeApp();
    const admin = await signInAs(db.pool, 'admin');
    for (const name of TOKEN_NAMES) {
      const { ok, bad } = MATRIX[kindOf(name)]!;
      const save = async (value: unknown) => saveTokens(app, admin.cookie, (await current(app)).etag, { [name]: value });
      for (const value of ok) {
        const res = await save(value);
        expect({ name, value, status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({
          name,
          value,
          status: 200,
          body: 'ok',
        });
      }
      for (const value of bad) {
        const res = await save(value);
        expect({ name, value, status: res.status, code: res.body.error?.code }).toEqual({
          name,
          value,
          status: 400,
          code: `invalid_${columnOf(name)}`,
        });
      }
    }
  });

  it('refuses unknown tokens and non-object bodies', async () => {
    const app = makeApp();
    const admin = await signInAs(db.pool, 'admin');
    const { etag } = await current(app);
    const unknown = await saveTokens(app, admin.cookie, etag, { colour: '#000000' });
    expect(unknown.body.error.code).toBe('unknown_token');
    const list = await saveTokens(app, admin.cookie, etag, [1, 2]);
    expect(list.status).toBe(400);
    const rows = async () => (await db.pool.query('SELECT count(*)::int AS n FROM design_system')).rows[0].n as number;
    const before = await rows();
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const body = `{${JSON.stringify(name)}: "#000000"}`;
      const res = await saveTokens(app, admin.cookie, etag, body);
      expect([name, res.status, res.body.error.code]).toEqual([name, 400, 'unknown_token']);
    }
    expect(await rows()).toBe(before);
  });

  it('allows exactly the configured image hosts in the Content-Security-Policy, and none by default', async () => {
    const csp = (await request(makeApp()).get('/api/design-system')).headers['content-security-policy'] as string;
    expect(csp).toMatch(/img-src 'self' data: blob: https:\/\/cdn\.example\.com https:\/\/cdn\.example\.com:8443;/);
    const plain = testApp(db.pool, { storage: testStorage(uploads) });
    expect((await request(plain).get('/api/design-system')).headers['content-security-policy']).toMatch(/img-src 'self' data: blob:;/);
    const admin = await signInAs(db.pool, 'admin');
    const { etag } = await current(plain);
    const res = await saveTokens(plain, admin.cookie, etag, { logoUrl: 'https://cdn.example.com/logo.png' });
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_logo_url']);
  });
});

describe('theme API', () => {
  it('serves the active tokens with a strong ETag and 304s, and the same tokens as parseable CSS', async () => {
    const app = makeApp();
    const first = await request(app).get('/api/design-system').expect(200);
    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(Object.keys(first.body.tokens)).toEqual(TOKEN_NAMES);
    await request(app).get('/api/design-system').set('If-None-Match', String(first.headers.etag)).expect(304);

    const css = await request(app).get('/theme.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['cache-control']).toBe('public, max-age=60, must-revalidate');
    await request(app).get('/theme.css').set('If-None-Match', String(css.headers.etag)).expect(304);

    const root = postcss.parse(css.text);
    const rules = root.nodes.filter((n) => n.type === 'rule');
    expect(rules).toHaveLength(1);
    const declarations = new Map<string, string>();
    (rules[0] as postcss.Rule).walkDecls((d) => void declarations.set(d.prop, d.value));
    expect((rules[0] as postcss.Rule).selector).toBe(':root');
    expect(declarations.size).toBe(23);
    expect(declarations.get('--color-primary')).toBe(first.body.tokens.colorPrimary);
    expect(declarations.get('--font-size-base')).toBe(`${first.body.tokens.fontSizeBase}px`);
  });

  it('saves a partial set as a new active row, reports contrast, and records who saved it', async () => {
    const app = makeApp();
    const admin = await signInAs(db.pool, 'admin');
    const { etag, theme } = await current(app);
    const res = await saveTokens(app, admin.cookie, etag, {
      colorTextPrimary: '#777777',
      colorBackground: '#888888',
      buttonTextColor: '#FFFFFF',
      buttonBackgroundColor: '#000000',
    }).expect(200);
    expect(res.body.theme.id).toBeGreaterThan(theme.id);
    expect(res.body.theme.updatedBy).toBe(admin.user.username);
    expect(res.body.theme.tokens).toEqual({
      ...theme.tokens,
      colorTextPrimary: '#777777',
      colorBackground: '#888888',
      buttonTextColor: '#ffffff', // colours are stored lower-case
      buttonBackgroundColor: '#000000',
    });
    expect(res.body.contrast.text).toMatchObject({ ratio: 1.26, passesAA: false });
    expect(res.body.contrast.button).toMatchObject({ ratio: 21, passesAA: true });
    expect(res.headers.etag).not.toBe(etag);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM design_system WHERE is_active');
    expect(rows[0].n).toBe(1);
  });

  it('refuses a stale If-Match with 412 and a missing one with 428', async () => {
    const app = makeApp();
    const admin = await signInAs(db.pool, 'admin');
    const { etag } = await current(app);
    await saveTokens(app, admin.cookie, etag, { spacingUnit: 10 }).expect(200);
    const stale = await saveTokens(app, admin.cookie, etag, { spacingUnit: 12 }).expect(412);
    expect(stale.body.error.code).toBe('theme_changed');
    const weak = await saveTokens(app, admin.cookie, `W/${(await current(app)).etag}`, { spacingUnit: 12 }).expect(412);
    expect(weak.body.error.code).toBe('theme_changed');
    const missing = await request(app).put('/api/admin/design-system').set('Cookie', admin.cookie).send({ spacingUnit: 12 }).expect(428);
    expect(missing.body.error.code).toBe('precondition_required');
  });

  it('lets exactly one of several concurrent saves of the same version win', async () => {
    const app = makeApp();
    const admin = await signInAs(db.pool, 'admin');
    const { etag } = await current(app);
    const results = await Promise.all([1, 2, 3, 4].map((n) => saveTokens(app, admin.cookie, etag, { borderRadius: n })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412]);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM design_system WHERE is_active');
    expect(rows[0].n).toBe(1);
  });

  it('rolls back to an earlier set, restoring /theme.css byte for byte, and lists the history', async () => {
    const app = makeApp();
    const admin = await signInAs(db.pool, 'admin');
    const before = await current(app);
    const cssBefore = (await request(app).get('/theme.css').expect(200)).text;
    await saveTokens(app, admin.cookie, before.etag, {
      colorPrimary: '#123456',
      logoUrl: 'https://cdn.example.com/logo.png',
      fontFamilyBase: 'Georgia, serif',
    }).expect(200);
    expect((await request(app).get('/theme.css')).text).not.toBe(cssBefore);

    const rolledBack = await request(app)
      .post(`/api/admin/design-system/${before.theme.id}/activate`)
      .set('Cookie', admin.cookie)
      .expect(200);
    expect(rolledBack.body.theme.tokens).toEqual(before.theme.tokens);
    expect((await request(app).get('/theme.css')).text).toBe(cssBefore);

    const history = await request(app).get('/api/admin/design-system/history?pageSize=3').set('Cookie', admin.cookie).expect(200);
    expect(history.body.themes).toHaveLength(3);
    expect(history.body.themes[0]).toMatchObject({ isActive: true, basedOnId: before.theme.id, updatedBy: admin.user.username });
    expect(history.body.themes.filter((t: { isActive: boolean }) => t.isActive)).toHaveLength(1);
    expect(history.body.total).toBeGreaterThanOrEqual(3);
    await request(app).post('/api/admin/design-system/999999/activate').set('Cookie', admin.cookie).expect(404);

    // Both changes are in the audit trail, with the admin and what changed.
    const { rows: audit } = await db.pool.query(
      `SELECT action, target_id, changes FROM audit_log WHERE actor_user_id = $1 AND target_type = 'theme' ORDER BY id`,
      [admin.user.id],
    );
    const saved = history.body.themes[1].id;
    expect(audit).toEqual([
      {
        action: 'theme.saved',
        target_id: String(saved),
        changes: { previous: before.theme.id, tokens: ['colorPrimary', 'fontFamilyBase', 'logoUrl'] },
      },
      { action: 'theme.rolled_back', target_id: String(rolledBack.body.theme.id), changes: { previous: saved, copyOf: before.theme.id } },
    ]);
  });

  it('answers 401 to anonymous callers and 403 to listeners and artists on every admin route', async () => {
    const app = makeApp();
    const listener = await signInAs(db.pool, 'user');
    const artist = await signInAs(db.pool, 'artist');
    const routes: [method: 'put' | 'get' | 'post', url: string][] = [
      ['put', '/api/admin/design-system'],
      ['get', '/api/admin/design-system/history'],
      ['post', '/api/admin/design-system/1/activate'],
      ['post', '/api/admin/design-system/assets'],
    ];
    for (const [method, url] of routes) {
      expect((await request(app)[method](url).send({})).status).toBe(401);
      for (const who of [listener, artist]) expect((await request(app)[method](url).set('Cookie', who.cookie).send({})).status).toBe(403);
    }
  });
});

describe('theme assets', () => {
  it('stores a sniffed image and serves it at the URL to put in a token', async () => {
    const app = makeApp();
    const admin = await signInAs(db.pool, 'admin');
    const image = png(64, 32);
    const res = await request(app)
      .post('/api/admin/design-system/assets')
      .set('Cookie', admin.cookie)
      .attach('file', image, { filename: 'logo.gif', contentType: 'image/gif' })
      .expect(201);
    expect(res.body.url).toMatch(/^\/assets\/theme\/[a-f0-9]{32}\.png$/);
    const served = await request(app).get(res.body.url).buffer(true).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(served.body as Buffer, image)).toBe(0);

    const { etag } = await current(app);
    await saveTokens(app, admin.cookie, etag, { logoUrl: res.body.url }).expect(200);
  });

  it('refuses SVG, lies about the type, oversized files and huge dimensions, storing nothing', async () => {
    const app = makeApp();
    const admin = await signInAs(db.pool, 'admin');
    const filesBefore = fs.existsSync(path.join(uploads, 'theme')) ? fs.readdirSync(path.join(uploads, 'theme')).length : 0;
    const upload = (bytes: Buffer, filename: string, contentType: string) =>
      request(app).post('/api/admin/design-system/assets').set('Cookie', admin.cookie).attach('file', bytes, { filename, contentType });

    const svg = await upload(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'logo.svg',
      'image/svg+xml',
    );
    expect([svg.status, svg.body.error.code]).toEqual([415, 'unsupported_image']);
    const lying = await upload(Buffer.from('GIF89a not really a png'), 'logo.png', 'image/png');
    expect([lying.status, lying.body.error.code]).toEqual([415, 'unsupported_image']);
    const truncated = await upload(png(10, 10).subarray(0, 12), 'logo.png', 'image/png');
    expect(truncated.status).toBe(415);
    const huge = await upload(png(5000, 1), 'wide.png', 'image/png');
    expect([huge.status, huge.body.error.code]).toEqual([422, 'image_too_large']);
    const oversized = await upload(Buffer.concat([png(10, 10), Buffer.alloc(2 * 1024 * 1024)]), 'big.png', 'image/png');
    expect([oversized.status, oversized.body.error.code]).toEqual([413, 'file_too_large']);
    const notMultipart = await request(app).post('/api/admin/design-system/assets').set('Cookie', admin.cookie).send({ file: 'x' });
    expect([notMultipart.status, notMultipart.body.error.code]).toEqual([400, 'multipart_required']);

    const filesAfter = fs.existsSync(path.join(uploads, 'theme')) ? fs.readdirSync(path.join(uploads, 'theme')).length : 0;
    expect(filesAfter).toBe(filesBefore);
  });

  it('answers 404 for unknown or malformed asset names', async () => {
    const app = makeApp();
    await request(app)
      .get(`/assets/theme/${'cd'.repeat(16)}.png`)
      .expect(404);
    await request(app).get('/assets/theme/..%2F..%2Fpackage.json').expect(404);
    await request(app).get('/assets/theme/x.svg').expect(404);
  });
});
