import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { NewTrack, Track } from '../../db/repos/tracks.repo';
import { startPaypalStandin, type RunningStandin } from '../../dev/paypal/standin';
import type { Funding } from '../../dev/paypal/approval-page';
import type { Clock } from '../../lib/clock';
import type { Background } from '../../services/background';
import type { Mailer } from '../../services/mail/mailer';
import type { PaymentGateway } from '../../services/payments/payment-gateway';
import { createPaypalGateway } from '../../services/payments/paypal-gateway';
import type { Storage } from '../../services/storage/storage';
import type { FeedCache } from '../../services/feed-cache';
import { testStorage } from './storage';
import { STANDIN_CREDENTIALS, type Config } from '../../server/config';
import { testConfig, testDeps } from './app';
import { createApp, type AppDeps } from '../../server/app';
import { createLogger, type Logger } from '../../lib/logger';
import { PgBossQueue } from '../../services/jobs/pg-boss-queue';
import { workOptions } from '../../server/jobs';
import { jobHandlers } from '../../services/jobs/handlers';
import { buildStoredTrack } from './factories';
import { freePort } from './server-process';
import { contractViolations } from './paypal-contract';

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  location: string | null;
  bytes: Buffer;
}

export interface Sellable {
  track: Track;
  full: Buffer;
  preview: Buffer;
}

/**
 * The store listening on a real port with the PayPal stand-in beside it,
 * each reaching the other over HTTP: the app's gateway calls the stand-in
 * through PayPal's SDK, and the stand-in delivers signed webhooks to the app.
 */
export interface CheckoutHarness {
  base: string;
  config: Readonly<Config>;
  paypal: RunningStandin;
  storage: Storage;
  payments: PaymentGateway;
  /** The app's dependencies (its transcoder counts its runs). */
  deps: AppDeps;
  /** A request to the store, from the store's own origin, following no redirects. */
  call(
    method: string,
    pathname: string,
    options?: { cookie?: string; json?: unknown; body?: string; headers?: Record<string, string> },
  ): Promise<Reply>;
  /** The buyer at PayPal: opens the approve page and approves with a funding choice; returns where PayPal sends the browser. */
  approve(approveUrl: string, funding?: Funding, country?: string): Promise<string>;
  /** A published track with a stored file and preview, at `price`. */
  sellable(price?: string, overrides?: Partial<NewTrack>): Promise<Sellable>;
  /** A published release of `artist`'s, made through the studio's API, of `trackCount` stored tracks; `fields` go to its creation. */
  sellableRelease(
    artist: { cookie: string; user: { id: number } },
    trackCount: number,
    fields?: Record<string, unknown>,
  ): Promise<{ id: number; tracks: Track[] }>;
  /** Creates an order (of track ids, or of items) and approves it at the stand-in; returns the order id and where PayPal sends the buyer. */
  approvedOrder(
    cookie: string,
    what: number[] | { kind: 'track' | 'release'; id: number }[],
    funding?: Funding,
    /** The payer's country in their PayPal address (none: PayPal tells none). */
    country?: string,
  ): Promise<{ orderId: number; approveUrl: string; back: string }>;
  /** One audio file uploaded into a release by its artist, as the studio's bulk upload sends each file (with a PNG cover if asked). */
  /** Uploads a track into a release (at 0.99, a 2-second preview unless `previewSeconds` says otherwise). */
  uploadInto(
    releaseId: number,
    cookie: string,
    file: string,
    options?: { name?: string; type?: string; cover?: Buffer; previewSeconds?: number },
  ): Promise<Reply>;
  /** Follows a redirect to the store (its URLs carry APP_ORIGIN) with the buyer's cookie. */
  follow(location: string, cookie: string): Promise<Reply>;
  close(): Promise<void>;
}

export async function startCheckoutHarness(
  db: pg.Pool,
  options: {
    webhooks?: boolean;
    wrap?: (gateway: PaymentGateway) => PaymentGateway;
    /** Configuration overrides; `APP_ORIGIN: 'port'` makes the origin http://localhost:<the port> (for browsers). */
    env?: Record<string, string>;
    mailer?: Mailer;
    background?: Background;
    /** The app's clock (a test clock moves time on). */
    clock?: Clock;
    /** Run jobs on the durable queue (pg-boss on the file's database, worked in this process) instead of inline. */
    durableJobs?: boolean;
    /** The app's logger (silent by default). */
    logger?: Logger;
    /** Where files live (local disk under a new temporary folder by default). */
    storage?: Storage;
    /** The audio routes' access cache, as a server fed by the change feed has it (none by default). */
    accessCache?: FeedCache;
  } = {},
): Promise<CheckoutHarness> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...options.env };
  if (env.APP_ORIGIN === 'port') env.APP_ORIGIN = `http://localhost:${port}`;
  const paypal = await startPaypalStandin({
    ...STANDIN_CREDENTIALS,
    record: true,
    webhookUrl: options.webhooks === false ? undefined : `${base}/api/webhooks/paypal`,
  });
  const uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'sn-checkout-'));
  const config = testConfig({ PAYPAL_STANDIN_URL: paypal.url, UPLOAD_DIR: uploads, PAYPAL_TIMEOUT_MS: '5000', ...env });
  const gateway = createPaypalGateway(config.paypal);
  const payments = options.wrap ? options.wrap(gateway) : gateway;
  const storage = options.storage ?? testStorage(uploads);
  const connectionString = (db as unknown as { options: { connectionString: string } }).options.connectionString;
  const queue = options.durableJobs ? await PgBossQueue.start(connectionString, createLogger('silent'), { delaySeconds: 1 }) : undefined;
  const deps = testDeps(db, {
    config,
    storage,
    payments,
    mailer: options.mailer,
    background: options.background,
    clock: options.clock,
    jobs: queue,
    logger: options.logger,
    accessCache: options.accessCache,
  });
  if (queue) await queue.work(jobHandlers(deps, deps.logger), workOptions(deps.db, config));
  const app = createApp(deps);
  const server: http.Server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });

  const call: CheckoutHarness['call'] = async (method, pathname, opts = {}) => {
    const headers: Record<string, string> = { Origin: config.appOrigin, ...opts.headers };
    if (opts.cookie) headers.Cookie = opts.cookie;
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(`${base}${pathname}`, { method, headers, body, redirect: 'manual' });
    const bytes = Buffer.from(await res.arrayBuffer());
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, location: res.headers.get('location'), bytes };
  };

  const approve: CheckoutHarness['approve'] = async (approveUrl, funding = 'balance', country = '') => {
    const page = await fetch(approveUrl);
    if (page.status !== 200 || !(await page.text()).includes('Approve payment')) throw new Error(`approve page answered ${page.status}`);
    const token = new URL(approveUrl).searchParams.get('token')!;
    const res = await fetch(`${paypal.url}/checkoutnow/approve`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, funding, email: 'buyer@example.test', country }),
    });
    return res.headers.get('location')!;
  };

  return {
    base,
    config,
    paypal,
    storage,
    payments,
    deps,
    call,
    approve,
    sellable: (price = '0.99', overrides = {}) => buildStoredTrack(db, storage, { priceEur: price, ...overrides }),
    async sellableRelease(artist, trackCount, fields = {}) {
      const created = await call('POST', '/api/artist/releases', {
        cookie: artist.cookie,
        json: { title: 'An album', priceEur: '5.00', ...fields },
      });
      if (created.status !== 201) throw new Error(`creating the release answered ${created.status}: ${created.bytes.toString()}`);
      const tracks: Track[] = [];
      for (let i = 0; i < trackCount; i++)
        tracks.push((await buildStoredTrack(db, storage, { artistUserId: artist.user.id, name: `Song ${i + 1}` })).track);
      const id = created.body.release.id as number;
      const put = await call('PUT', `/api/artist/releases/${id}/tracks`, {
        cookie: artist.cookie,
        json: { trackIds: tracks.map((t) => t.id) },
      });
      const published = await call('PATCH', `/api/artist/releases/${id}`, { cookie: artist.cookie, json: { isPublished: true } });
      if (put.status !== 200 || published.status !== 200)
        throw new Error(`the release's tracks or publication answered ${put.status}, ${published.status}`);
      return { id, tracks };
    },
    async approvedOrder(cookie, what, funding = 'balance', country) {
      const json = what.every((w) => typeof w === 'number') ? { trackIds: what } : { items: what };
      const created = await call('POST', '/api/checkout/orders', { cookie, json });
      if (created.status !== 201) throw new Error(`creating the order answered ${created.status}: ${created.bytes.toString()}`);
      const back = await approve(created.body.approveUrl, funding, country);
      return { orderId: created.body.orderId as number, approveUrl: created.body.approveUrl as string, back };
    },
    async uploadInto(releaseId, cookie, file, upload = {}) {
      const form = new FormData();
      if (upload.name) form.set('name', upload.name);
      form.set('priceEur', '0.99');
      form.set('freePreviewDuration', String(upload.previewSeconds ?? 2));
      form.set('audio', new Blob([new Uint8Array(fs.readFileSync(file))], { type: upload.type ?? 'audio/mpeg' }), path.basename(file));
      if (upload.cover) form.set('cover', new Blob([new Uint8Array(upload.cover)], { type: 'image/png' }), 'cover.png');
      const res = await fetch(`${base}/api/artist/releases/${releaseId}/tracks`, {
        method: 'POST',
        headers: { Cookie: cookie, Origin: config.appOrigin },
        body: form,
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      return { status: res.status, body: JSON.parse(bytes.toString()), location: null, bytes };
    },
    follow(location, cookie) {
      const url = new URL(location);
      if (url.origin !== config.appOrigin) throw new Error(`redirect leaves the store: ${location}`);
      return call('GET', url.pathname + url.search, { cookie });
    },
    async close() {
      await queue?.stop(30_000); // a transcode still running finishes before the database goes
      await paypal.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      fs.rmSync(uploads, { recursive: true, force: true });
      // Everything the store sent PayPal and every answer and webhook it got must be as PayPal's reference says.
      const violations = contractViolations(paypal.standin.exchanges, paypal.deliveries);
      if (violations.length) throw new Error(`PayPal contract violated:\n${[...new Set(violations)].slice(0, 20).join('\n')}`);
    },
  };
}

/**
 * The harness for a whole test file: started before its tests on the file's
 * database, closed after them; usable as the harness itself once started.
 */
export function useCheckoutHarness(
  db: { readonly pool: pg.Pool; beforeDrop?: (close: () => Promise<void>) => void },
  options: Parameters<typeof startCheckoutHarness>[1] = {},
): CheckoutHarness {
  let harness: CheckoutHarness | undefined;
  beforeAll(async () => {
    harness = await startCheckoutHarness(db.pool, options);
  });
  // Closed before the database is dropped: a job still running finishes against it.
  const close = async () => harness?.close();
  if (db.beforeDrop) db.beforeDrop(close);
  else afterAll(close);
  return new Proxy({} as CheckoutHarness, {
    get(_target, property) {
      if (!harness) throw new Error('the checkout harness exists only inside tests (after beforeAll)');
      return Reflect.get(harness, property) as unknown;
    },
  });
}
