import path from 'node:path';
import type { z } from 'zod';
import type { S3Settings } from '../services/storage/s3.storage';
import type { LedgerSettings } from '../services/deps';
import { projectRoot } from '../lib/paths';
import { currencyOf, toMinor, type Currency } from '../lib/money';
import { envSchema, parseTrustProxy, type Env, type TrustProxy } from './config-env';

/**
 * The only module that reads `process.env`. Everything else receives the
 * frozen `Config` it produces, so tests and scripts can build one from any
 * environment they like with `parseConfig`.
 */

export type NodeEnv = 'development' | 'test' | 'production';
export type PaypalEnv = 'sandbox' | 'live' | 'standin';
export type DeliveryMode = 'node' | 'nginx' | 's3';
export type { TrustProxy };

export interface Config {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  host: string;
  port: number;
  /** Scheme, host and port the browser sees, without a trailing slash. */
  appOrigin: string;
  /** Unset: the embedded PostgreSQL under `dataDir` is used. */
  databaseUrl: string | undefined;
  dataDir: string;
  uploadDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: TrustProxy;
  /** Largest JSON or form body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Largest audio upload, in bytes (MAX_UPLOAD_MB). */
  maxUploadBytes: number;
  /** Where audio, previews and images live. */
  storage: {
    driver: 'local' | 's3';
    s3: S3Settings | undefined;
  };
  /**
   * Who sends the bytes of audio the app has decided a listener may have:
   * `node` streams them itself; `nginx` answers with X-Accel-Redirect to
   * `nginxLocation` + key (an internal location over UPLOAD_DIR); `s3`
   * answers 302 to a presigned GET valid for `urlTtlSeconds`. `mediaOrigins`:
   * where those URLs point, for the page's Content-Security-Policy.
   */
  delivery: { mode: DeliveryMode; nginxLocation: string; urlTtlSeconds: number; mediaOrigins: string[] };
  /** How long in-flight requests get to finish on SIGTERM, in milliseconds. */
  shutdownTimeoutMs: number;
  dbPoolMax: number;
  /** How long one database statement may run, and a connection may take to open, in milliseconds. */
  dbTimeouts: { statementMs: number; connectMs: number };
  /** A request with no answer started by then gets 503 (uploads excepted: their body takes its time). */
  requestTimeoutMs: number;
  /** Anonymous storefront answers: memory (0: none), longest served, and the public max-age. */
  listingCache: { maxBytes: number; ttlMs: number; maxAgeSeconds: number };
  redisUrl: string | undefined;
  /**
   * Prometheus metrics: at GET /metrics on the app with \`Authorization:
   * Bearer <token>\` when \`token\` is set, and/or on a listener of their own
   * at host:port (no token: keep it on a private address). Off when neither is set.
   */
  metrics: { token: string | undefined; port: number | undefined; host: string };
  rateLimit: { windowMs: number; max: number };
  /** Play reports accepted per client IP per minute (PLAYS_PER_MINUTE). */
  playsPerMinute: number;
  /** Create the demo catalog on first start (development default). */
  demoSeed: boolean;
  /** `open`: any listener may become an artist; `admin`: only an admin can make one. */
  artistSignup: 'open' | 'admin';
  /** Session cookies carry Secure everywhere but development (plain http on localhost). */
  cookieSecure: boolean;
  mail: { smtpUrl: string | undefined; from: string };
  paypal: {
    env: PaypalEnv;
    /** For the stand-in these default to its own demo credentials. */
    clientId: string;
    clientSecret: string;
    webhookId: string;
    /** The stand-in's base URL; unset in development: `npm start` runs one in-process. */
    standinUrl: string | undefined;
    /** How long one PayPal call may take before it counts as a timeout. */
    timeoutMs: number;
  };
  /** https origins the theme's image tokens may point at (THEME_IMAGE_HOSTS); the CSP allows exactly these. */
  themeImageHosts: string[];
  /** How often stale CREATED and PENDING orders are read back from PayPal and settled. */
  reconcileIntervalMs: number;
  /** How often scheduled releases are checked and published when due. */
  releasePublishIntervalMs: number;
  /** `server`: this server works the job queue; `off`: only `npm run worker` processes do. */
  jobsWorker: 'server' | 'off';
  /** How often a worker running a long job (a transcode) says it is alive; three missed beats and the job runs again elsewhere. */
  jobHeartbeatSeconds: number;
  /** The transcoder: its binary (unset: the npm package's static build), how many at once, how long one may take. */
  ffmpeg: { path: string | undefined; concurrency: number; timeoutMs: number };
  /** The one currency the store prices and sells in (STORE_CURRENCY). */
  currency: Currency;
  /** The most any price or buyer's amount may be, in minor units (PRICE_MAXIMUM). */
  priceMaximumMinor: number;
  /** The ledger's settings: platform fee, payout hold, VAT. */
  ledger: LedgerSettings;
}

/** The stand-in's demo credentials and webhook id, used when PAYPAL_ENV=standin leaves them unset. */
export const STANDIN_CREDENTIALS = {
  clientId: 'standin-client',
  clientSecret: 'standin-secret',
  // PayPal's webhook ids are alphanumeric (verify_webhook_signature.webhook_id: ^[a-zA-Z0-9]+$, at most 50).
  webhookId: 'WHSTANDIN00000000000000000',
} as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Variables that only make sense together: every missing partner is listed, not just the first. */
function groupProblems(e: z.infer<typeof envSchema>): string[] {
  const problems: string[] = [];
  if (e.STORAGE_DRIVER === 's3' && !e.S3_BUCKET) problems.push('S3_BUCKET: required when STORAGE_DRIVER=s3');
  if (e.PAYPAL_ENV !== 'standin') {
    for (const name of ['PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID'] as const)
      if (!e[name]) problems.push(`${name}: required with PAYPAL_ENV=${e.PAYPAL_ENV}`);
  }
  // nginx can only send files it can open; presigned URLs exist only for objects in a bucket.
  if (e.DELIVERY === 'nginx' && e.STORAGE_DRIVER !== 'local') problems.push('DELIVERY: nginx needs STORAGE_DRIVER=local');
  if (e.DELIVERY === 's3' && e.STORAGE_DRIVER !== 's3') problems.push('DELIVERY: s3 needs STORAGE_DRIVER=s3');
  return problems;
}

/** Where presigned URLs of the bucket point (virtual-hosted or path style), for the CSP's media-src. */
function bucketOrigin(e: z.infer<typeof envSchema>, forcePathStyle: boolean): string {
  if (!e.S3_ENDPOINT) return `https://${e.S3_BUCKET}.s3.${e.S3_REGION}.amazonaws.com`;
  const endpoint = new URL(e.S3_ENDPOINT);
  return forcePathStyle ? endpoint.origin : `${endpoint.protocol}//${e.S3_BUCKET}.${endpoint.host}`;
}

/** Problems that only matter in production: the dev defaults are not safe there. */
function productionProblems(e: z.infer<typeof envSchema>): string[] {
  const problems: string[] = [];
  if (!e.APP_ORIGIN) problems.push('APP_ORIGIN: required in production (the public https origin of the store)');
  else if (new URL(e.APP_ORIGIN).protocol !== 'https:') problems.push('APP_ORIGIN: must be https in production');
  if (!e.DATABASE_URL) problems.push('DATABASE_URL: required in production (the embedded database is for development)');
  if (!e.SMTP_URL) problems.push('SMTP_URL: required in production (sign-in links are sent by mail)');
  if (!e.MAIL_FROM) problems.push('MAIL_FROM: required in production');
  if (e.PAYPAL_ENV === 'standin' && e.ALLOW_PAYPAL_STANDIN !== 'staging')
    problems.push(
      'PAYPAL_ENV: the PayPal stand-in is refused in production; use sandbox or live (a staging store may set ALLOW_PAYPAL_STANDIN=staging)',
    );
  if (e.PAYPAL_ENV === 'standin' && e.ALLOW_PAYPAL_STANDIN === 'staging' && !e.PAYPAL_STANDIN_URL)
    problems.push('PAYPAL_STANDIN_URL: required with ALLOW_PAYPAL_STANDIN=staging (run `npm run standin:paypal` beside the store)');
  // With sandbox or live, groupProblems has named the missing credentials already.
  if (e.PAYPAL_ENV === 'standin') {
    for (const name of ['PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID'] as const)
      if (!e[name]) problems.push(`${name}: required in production`);
  }
  return problems;
}

/**
 * Validates an environment and returns the frozen configuration.
 * @throws ConfigError listing every problem found, not just the first.
 */
export function parseConfig(env: Env): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems = [...groupProblems(e), ...(e.NODE_ENV === 'production' ? productionProblems(e) : [])];
  if (problems.length > 0) throw new ConfigError(problems);
  const isProduction = e.NODE_ENV === 'production';
  const currency = currencyOf(e.STORE_CURRENCY);
  let priceMaximumMinor: number;
  try {
    priceMaximumMinor = toMinor(e.PRICE_MAXIMUM, currency);
  } catch {
    throw new ConfigError([`PRICE_MAXIMUM: ${currency.code} amounts take ${currency.decimals} decimals`]);
  }
  if (priceMaximumMinor === 0) throw new ConfigError(['PRICE_MAXIMUM: must be more than 0']);
  let payoutMinimumMinor: number;
  try {
    payoutMinimumMinor = Math.max(1, toMinor(e.PAYOUT_MINIMUM, currency));
  } catch {
    throw new ConfigError([`PAYOUT_MINIMUM: ${currency.code} amounts take ${currency.decimals} decimals`]);
  }
  const platformFeeBp = Math.round(Number(e.PLATFORM_FEE_PERCENT) * 100);
  if (platformFeeBp > 10_000) throw new ConfigError(['PLATFORM_FEE_PERCENT: at most 100']);
  if (e.TAX_MODE === 'inclusive' && !e.STORE_COUNTRY)
    throw new ConfigError(['STORE_COUNTRY: required with TAX_MODE=inclusive (the VAT country when PayPal tells no buyer country)']);
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) throw new ConfigError(['METRICS_PORT: must differ from PORT']);
  const port = e.PORT;
  const forcePathStyle = e.S3_FORCE_PATH_STYLE ?? e.S3_ENDPOINT !== undefined;
  const appOrigin = new URL(e.APP_ORIGIN ?? `http://localhost:${port}`).origin;
  const config: Config = {
    nodeEnv: e.NODE_ENV,
    isProduction,
    // Development listens on loopback only: the demo store is not on the network unless asked for.
    host: e.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1'),
    port,
    appOrigin,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(projectRoot, e.DATA_DIR ?? 'data'),
    uploadDir: path.resolve(projectRoot, e.UPLOAD_DIR ?? 'uploads'),
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    bodyLimitBytes: e.BODY_LIMIT_KB * 1024,
    maxUploadBytes: e.MAX_UPLOAD_MB * 1024 * 1024,
    storage: {
      driver: e.STORAGE_DRIVER,
      s3:
        e.STORAGE_DRIVER === 's3'
          ? {
              bucket: e.S3_BUCKET!,
              region: e.S3_REGION,
              endpoint: e.S3_ENDPOINT,
              forcePathStyle,
              accessKeyId: e.S3_ACCESS_KEY_ID,
              secretAccessKey: e.S3_SECRET_ACCESS_KEY,
              prefix: e.S3_PREFIX,
              responseTimeoutMs: e.S3_RESPONSE_TIMEOUT_MS,
            }
          : undefined,
    },
    delivery: {
      mode: e.DELIVERY,
      nginxLocation: e.DELIVERY_NGINX_LOCATION,
      urlTtlSeconds: e.DELIVERY_URL_TTL_S,
      mediaOrigins: e.DELIVERY === 's3' ? [bucketOrigin(e, forcePathStyle)] : [],
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    dbPoolMax: e.DB_POOL_MAX,
    dbTimeouts: { statementMs: e.DB_STATEMENT_TIMEOUT_MS, connectMs: e.DB_CONNECT_TIMEOUT_MS },
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    listingCache: { maxBytes: e.LISTING_CACHE_MB * 1024 * 1024, ttlMs: e.LISTING_CACHE_TTL_S * 1000, maxAgeSeconds: e.LISTING_MAX_AGE_S },
    redisUrl: e.REDIS_URL,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    rateLimit: { windowMs: e.RATE_LIMIT_WINDOW_MS, max: e.RATE_LIMIT_MAX },
    playsPerMinute: e.PLAYS_PER_MINUTE,
    demoSeed: e.DEMO_SEED ?? e.NODE_ENV === 'development',
    artistSignup: e.ARTIST_SIGNUP,
    cookieSecure: e.NODE_ENV !== 'development',
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM ?? 'Song-Nexus <no-reply@localhost>' },
    paypal: {
      env: e.PAYPAL_ENV,
      clientId: e.PAYPAL_CLIENT_ID ?? STANDIN_CREDENTIALS.clientId,
      clientSecret: e.PAYPAL_CLIENT_SECRET ?? STANDIN_CREDENTIALS.clientSecret,
      webhookId: e.PAYPAL_WEBHOOK_ID ?? STANDIN_CREDENTIALS.webhookId,
      standinUrl: e.PAYPAL_STANDIN_URL,
      timeoutMs: e.PAYPAL_TIMEOUT_MS,
    },
    reconcileIntervalMs: e.RECONCILE_INTERVAL_S * 1000,
    releasePublishIntervalMs: e.RELEASE_PUBLISH_INTERVAL_S * 1000,
    jobsWorker: e.JOBS_WORKER,
    jobHeartbeatSeconds: e.JOB_HEARTBEAT_S,
    ffmpeg: { path: e.FFMPEG_PATH, concurrency: e.FFMPEG_CONCURRENCY, timeoutMs: e.FFMPEG_TIMEOUT_S * 1000 },
    themeImageHosts: e.THEME_IMAGE_HOSTS.map((h) => new URL(h).origin),
    currency,
    priceMaximumMinor,
    ledger: {
      platformFeeBp,
      payoutHoldDays: e.PAYOUT_HOLD_DAYS,
      payoutMinimumMinor,
      taxMode: e.TAX_MODE,
      storeCountry: e.STORE_COUNTRY,
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}

/**
 * Reads `process.env`; on a bad configuration prints every problem to stderr
 * and exits with status 78 (EX_CONFIG), so a process manager does not loop on it.
 */
export function loadConfig(): Readonly<Config> {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
