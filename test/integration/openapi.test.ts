import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { APP_PAGES } from '../../contract/pages';
import { projectRoot } from '../../lib/paths';
import { jsonSchema } from '../../routes/openapi';
import { responses } from '../../routes/response-schemas';
import { signInAs } from '../support/auth';
import { haveChromium, launchChromium, pageProblems } from '../support/browser';
import { useTestDatabase } from '../support/db';
import { buildPasskey, buildTrack } from '../support/factories';
import { outbox, testApp } from '../support/app';

/**
 * GET /api/openapi.json against the code: every route the route files
 * register is described (found by reading the sources, independently of
 * how the description is built), every route the README's API tables name
 * is in it and the other way round, and each described answer is what the
 * route really sends (status, and the body checked strictly against the
 * same zod schema the description was made from).
 */

const db = useTestDatabase();
type Operation = { summary: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }>; 'x-undocumented'?: true };
type Document = { openapi: string; info: { version: string }; paths: Record<string, Record<string, Operation>> };

async function theDocument(app = testApp(db.pool)): Promise<Document> {
  const res = await request(app).get('/api/openapi.json').expect(200).expect('Content-Type', /json/);
  return res.body as Document;
}

const operationsOf = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${p}`, op })));

/** `/api/tracks/:id` as the description writes it. */
const described = (p: string) => p.replace(/:(\w+)/g, '{$1}');

/**
 * The routes the sources register: `router.<method>('<path>'` (a template
 * over `kind` is both kinds), a loop's `['<path>', …]` table, and the front
 * end's pages. A registration the scan cannot read fails, so a new form must be taught here.
 */
function registeredRoutes(): string[] {
  const found: string[] = [];
  const files = [...fs.readdirSync(path.join(projectRoot, 'routes')).map((f) => `routes/${f}`), 'server/metrics-exposure.ts'];
  for (const file of files.filter((f) => f.endsWith('.ts'))) {
    const source = fs.readFileSync(path.join(projectRoot, file), 'utf8');
    for (const m of source.matchAll(/router\.(get|head|post|put|patch|delete)\(\s*([^,]+),/g)) {
      const [, method, first] = m as unknown as [string, string, string];
      const literal = /^(['`])(.*)\1$/.exec(first.trim())?.[2];
      const upper = method.toUpperCase();
      if (literal?.includes('${kind}')) for (const kind of ['track', 'release']) found.push(`${upper} ${literal.replace('${kind}', kind)}`);
      else if (literal) found.push(`${upper} ${literal}`);
      else if (first.trim() === 'path') {
        const before = source.slice(0, m.index);
        const table = before.slice(before.lastIndexOf('for (const ['));
        for (const p of table.matchAll(/\['(\/[^']+)'/g)) found.push(`${upper} ${p[1]}`);
      } else if (first.includes('APP_PAGES')) for (const page of APP_PAGES.filter((p) => p !== '/')) found.push(`${upper} ${page}`);
      else throw new Error(`${file}: cannot read the path of router.${method}(${first}`);
    }
  }
  return found;
}

/**
 * The routes the README's API tables name, in the forms the tables use:
 * `GET /path`, `` `PUT`/`DELETE /path` ``, several paths in one cell, and
 * `GET …/tail` for the previous row's paths with another tail.
 */
function readmeRoutes(): string[] {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const api = readme.slice(readme.indexOf('\n## API'), readme.indexOf('\n## Delivering audio'));
  const found: string[] = [];
  let previous: string[] = [];
  for (const row of api.split('\n').filter((line) => line.startsWith('| `'))) {
    const cell = row.split(' | ')[0]!;
    const paths: string[] = [];
    let methods: string[] = [];
    for (const [, segment] of cell.matchAll(/`([^`]+)`/g)) {
      const alone = /^(GET|HEAD|POST|PUT|PATCH|DELETE)$/.exec(segment!);
      const withPath = /^(GET|HEAD|POST|PUT|PATCH|DELETE) (\S+)/.exec(segment!);
      if (alone) methods.push(alone[1]!);
      if (!withPath) continue;
      methods.push(withPath[1]!);
      const route = withPath[2]!.split('?')[0]!;
      const targets = route.startsWith('…') ? previous.map((p) => p.slice(0, p.lastIndexOf('/')) + route.slice(1)) : [route];
      for (const method of methods) for (const target of targets) found.push(`${method} ${target}`);
      paths.push(...targets);
      methods = [];
    }
    if (paths.length && !paths.some((p) => p.startsWith('…'))) previous = paths;
  }
  return found;
}

describe('the API description', () => {
  it('is OpenAPI 3.1 with the running version, and describes every route the sources register', async () => {
    const doc = await theDocument(testApp(db.pool, { env: { METRICS_TOKEN: 'x'.repeat(24) } }));
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version);
    const ops = operationsOf(doc);
    const keys = new Set(ops.map((o) => o.key));
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(100);
    // /dev/outbox exists only in development without SMTP; the test app has an outbox too.
    expect(registered.filter((r) => !keys.has(described(r)) && r !== 'GET /dev/outbox')).toEqual([]);
    expect(ops.filter((o) => o.op['x-undocumented'] || !o.op.summary).map((o) => o.key)).toEqual([]);
  });

  it('and the README’s API tables name the same routes', async () => {
    const doc = await theDocument(testApp(db.pool, { ...outbox(), env: { METRICS_TOKEN: 'x'.repeat(24) } }));
    const keys = operationsOf(doc)
      .map((o) => o.key)
      .filter((k) => !APP_PAGES.some((p) => k === `GET ${described(p)}`));
    const readme = new Set(readmeRoutes().map(described));
    expect(keys.filter((k) => !readme.has(k))).toEqual([]);
    expect([...readme].filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('promises only answers the routes really give', async () => {
    const mail = outbox();
    const app = testApp(db.pool, mail);
    const doc = await theDocument(app);
    const admin = await signInAs(db.pool, 'admin');
    const listener = await signInAs(db.pool, 'user');
    const passkey = await buildPasskey(db.pool, { userId: listener.user.id, name: 'Laptop' });
    await buildTrack(db.pool, { genre: 'Ambient' });
    await request(app).patch(`/api/admin/users/${listener.user.id}`).set('Cookie', admin.cookie).send({ role: 'user' });
    const pending = `openapi-${Date.now()}@example.test`;

    // One real request for each route the description gives a JSON shape.
    const samples: Record<string, () => request.Test> = {
      'GET /healthz': () => request(app).get('/healthz'),
      'GET /api/version': () => request(app).get('/api/version'),
      'GET /api/auth/session': () => request(app).get('/api/auth/session').set('Cookie', listener.cookie),
      'GET /api/admin/users': () => request(app).get('/api/admin/users').set('Cookie', admin.cookie),
      'PATCH /api/admin/users/{id}': () =>
        request(app).patch(`/api/admin/users/${listener.user.id}`).set('Cookie', admin.cookie).send({ isActive: true }),
      'POST /api/me/artist': () =>
        request(app)
          .post('/api/me/artist')
          .set('Cookie', (admin as { cookie: string }).cookie)
          .send({ displayName: 'Boss' }),
      'GET /api/me/passkeys': () => request(app).get('/api/me/passkeys').set('Cookie', listener.cookie),
      'PATCH /api/me/passkeys/{id}': () =>
        request(app).patch(`/api/me/passkeys/${passkey.id}`).set('Cookie', listener.cookie).send({ name: 'Phone' }),
      'GET /api/admin/audit': () => request(app).get('/api/admin/audit').set('Cookie', admin.cookie),
      'GET /api/genres': () => request(app).get('/api/genres'),
      'POST /api/me/email': () => request(app).post('/api/me/email').set('Cookie', listener.cookie).send({ email: pending }),
      'POST /api/auth/email-change/confirm': () => {
        const sent = mail.mailer
          .list()
          .filter((m) => m.to === pending)
          .at(-1);
        const token = /#token=([\w-]+)/.exec(sent?.text ?? '')?.[1];
        return request(app).post('/api/auth/email-change/confirm').send({ token });
      },
    };
    const withShape = operationsOf(doc).flatMap(({ key, op }) =>
      Object.entries(op.responses)
        .filter(([status, r]) => /^2/.test(status) && JSON.stringify(r.content?.['application/json']?.schema ?? {}) !== '{"type":"object"}')
        .filter(([, r]) => r.content?.['application/json'])
        .map(([status, r]) => ({ key, status: Number(status), schema: r.content!['application/json']!.schema })),
    );
    expect(withShape.map((w) => w.key).sort()).toEqual(Object.keys(samples).sort());
    for (const { key, status, schema } of withShape) {
      const zod = Object.values(responses).find((s) => JSON.stringify(jsonSchema(s, 'output')) === JSON.stringify(schema));
      expect({ key, described: zod !== undefined }).toEqual({ key, described: true });
      const res = await samples[key]!();
      expect({ key, status: res.status }).toEqual({ key, status });
      const checked = zod!.safeParse(res.body);
      expect({ key, problems: checked.success ? [] : checked.error.issues }).toEqual({ key, problems: [] });
    }
    // Every error is the described error shape.
    const refused = await request(app).get('/api/admin/audit').set('Cookie', listener.cookie).expect(403);
    expect(Object.keys(refused.body.error).sort()).toEqual(['code', 'message']);
  });

  (haveChromium() ? it : it.skip)(
    'is readable in a browser at /api/docs, from the store’s own files',
    async () => {
      const server = http.createServer(testApp(db.pool, { env: { APP_ORIGIN: 'http://localhost' } }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const browser = await launchChromium();
      try {
        const page = await (await browser.newContext()).newPage();
        const problems = pageProblems(page);
        const outside: string[] = [];
        page.on('request', (req) => !req.url().startsWith('http://localhost') && !req.url().startsWith('data:') && outside.push(req.url()));
        await page.goto(`http://localhost:${(server.address() as AddressInfo).port}/api/docs`);
        await page.getByText('Song-Nexus API').first().waitFor({ timeout: 15_000 });
        await page.getByText('/api/tracks/{id}/stream').first().waitFor();
        expect(problems).toEqual([]);
        expect(outside).toEqual([]);
      } finally {
        await browser.close();
        await new Promise((resolve) => server.close(resolve));
      }
    },
    60_000,
  );
});
