import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { S3Settings } from '../services/storage/s3.storage';
import type { LedgerSettings } from '../services/deps';
import { projectRoot } from '../lib/paths';
import { currencyOf, PAYPAL_CURRENCIES, toMinor, type Currency } from '../lib/money';

/**
 * The only module that reads `process.env`. Everything else receives the
 * frozen `Config` it produces, so tests and scripts can build one from any
 * environment they like with `parseConfig`.
 */

export type NodeEnv = 'development' | 'test' | 'production';
export type PaypalEnv = 'sandbox' | 'live' | 'standin';
/** What express accepts for `trust proxy`: off/on, a hop count, or subnets. */
export type TrustProxy = boolean | number | string;

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

type Env = Record<string, string | undefined>;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const int = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
/** true/false, 1/0 or yes/no; undefined when unset, so the default can depend on NODE_ENV. */
const optionalBool = z.preprocess(
  emptyToUndefined,
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
);
const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL')
  .refine((v) => URL.canParse(v), 'is not a valid URL');

function parseTrustProxy(raw: string): TrustProxy {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw; // e.g. "loopback, 10.0.0.0/8" — express validates the list itself
}

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'test', 'production']).default('development')),
  HOST: optionalString,
  PORT: int(0, 65535, 3000),
  APP_ORIGIN: optionalString.refine((v) => v === undefined || URL.canParse(v), 'is not a valid URL'),
  DATABASE_URL: z.preprocess(emptyToUndefined, postgresUrl.optional()),
  DATA_DIR: optionalString,
  UPLOAD_DIR: optionalString,
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.string().default('false')),
  BODY_LIMIT_KB: int(1, 10_240, 100),
  MAX_UPLOAD_MB: int(1, 10_240, 200),
  STORAGE_DRIVER: z.preprocess(emptyToUndefined, z.enum(['local', 's3']).default('local')),
  S3_BUCKET: optionalString,
  S3_REGION: z.preprocess(emptyToUndefined, z.string().default('us-east-1')),
  S3_ENDPOINT: optionalString.refine((v) => v === undefined || URL.canParse(v), 'is not a valid URL'),
  S3_FORCE_PATH_STYLE: optionalBool,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^([A-Za-z0-9._-]+\/)*$/, 'must be empty or end with /')
      .default(''),
  ),
  SHUTDOWN_TIMEOUT_MS: int(0, 120_000, 10_000),
  DB_POOL_MAX: int(1, 200, 10),
  DB_STATEMENT_TIMEOUT_MS: int(100, 600_000, 10_000),
  DB_CONNECT_TIMEOUT_MS: int(100, 60_000, 5_000),
  REQUEST_TIMEOUT_MS: int(200, 600_000, 15_000),
  LISTING_CACHE_MB: int(0, 4096, 32),
  LISTING_CACHE_TTL_S: int(1, 3600, 10),
  LISTING_MAX_AGE_S: int(0, 3600, 5),
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  RATE_LIMIT_WINDOW_MS: int(1_000, 86_400_000, 60_000),
  RATE_LIMIT_MAX: int(1, 1_000_000, 600),
  PLAYS_PER_MINUTE: int(1, 1_000_000, 120),
  DEMO_SEED: optionalBool,
  ARTIST_SIGNUP: z.preprocess(emptyToUndefined, z.enum(['open', 'admin']).default('open')),
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => /^smtps?:\/\//.test(v), 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  MAIL_FROM: optionalString,
  PAYPAL_ENV: z.preprocess(emptyToUndefined, z.enum(['sandbox', 'live', 'standin']).default('standin')),
  PAYPAL_CLIENT_ID: optionalString,
  PAYPAL_CLIENT_SECRET: optionalString,
  PAYPAL_WEBHOOK_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-zA-Z0-9]{1,50}$/, 'must be the webhook id PayPal shows: letters and digits, at most 50')
      .optional(),
  ),
  PAYPAL_STANDIN_URL: optionalString.refine((v) => v === undefined || URL.canParse(v), 'is not a valid URL'),
  PAYPAL_TIMEOUT_MS: int(1_000, 120_000, 20_000),
  RECONCILE_INTERVAL_S: int(10, 86_400, 300),
  RELEASE_PUBLISH_INTERVAL_S: int(1, 3600, 15),
  JOBS_WORKER: z.preprocess(emptyToUndefined, z.enum(['server', 'off']).default('server')),
  JOB_HEARTBEAT_S: int(1, 300, 10),
  FFMPEG_PATH: optionalString,
  FFMPEG_CONCURRENCY: int(1, 64, os.availableParallelism()),
  FFMPEG_TIMEOUT_S: int(10, 7200, 900),
  STORE_CURRENCY: z.preprocess(emptyToUndefined, z.enum(PAYPAL_CURRENCIES).default('EUR')),
  PLATFORM_FEE_PERCENT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(100|\d{1,2})(\.\d{1,2})?$/, 'must be a percentage from 0 to 100, like 10 or 7.5')
      .default('10'),
  ),
  PAYOUT_HOLD_DAYS: int(0, 365, 14),
  PAYOUT_MINIMUM: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,7}(\.\d{1,2})?$/, 'must be an amount like 10 or 10.00')
      .default('10'),
  ),
  TAX_MODE: z.preprocess(emptyToUndefined, z.enum(['none', 'inclusive']).default('none')),
  STORE_COUNTRY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO country code like DE')
      .optional(),
  ),
  PRICE_MAXIMUM: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,7}(\.\d{1,2})?$/, 'must be an amount like 500 or 500.00')
      .default('500'),
  ),
  THEME_IMAGE_HOSTS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean),
      )
      .refine(
        (hosts) => hosts.every((h) => /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(h)),
        'must be a comma-separated list of https origins, like https://cdn.example.com',
      ),
  ),
});

/** Problems that only matter in production: the dev defaults are not safe there. */
function productionProblems(e: z.infer<typeof envSchema>): string[] {
  const problems: string[] = [];
  if (!e.APP_ORIGIN) problems.push('APP_ORIGIN: required in production (the public https origin of the store)');
  else if (new URL(e.APP_ORIGIN).protocol !== 'https:') problems.push('APP_ORIGIN: must be https in production');
  if (!e.DATABASE_URL) problems.push('DATABASE_URL: required in production (the embedded database is for development)');
  if (!e.SMTP_URL) problems.push('SMTP_URL: required in production (sign-in links are sent by mail)');
  if (!e.MAIL_FROM) problems.push('MAIL_FROM: required in production');
  if (e.PAYPAL_ENV === 'standin') problems.push('PAYPAL_ENV: the PayPal stand-in is refused in production; use sandbox or live');
  if (!e.PAYPAL_CLIENT_ID) problems.push('PAYPAL_CLIENT_ID: required in production');
  if (!e.PAYPAL_CLIENT_SECRET) problems.push('PAYPAL_CLIENT_SECRET: required in production');
  if (!e.PAYPAL_WEBHOOK_ID) problems.push('PAYPAL_WEBHOOK_ID: required in production');
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
  if (e.STORAGE_DRIVER === 's3' && !e.S3_BUCKET) throw new ConfigError(['S3_BUCKET: required when STORAGE_DRIVER=s3']);
  if (e.PAYPAL_ENV !== 'standin' && (!e.PAYPAL_CLIENT_ID || !e.PAYPAL_CLIENT_SECRET || !e.PAYPAL_WEBHOOK_ID)) {
    throw new ConfigError([`PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID: required with PAYPAL_ENV=${e.PAYPAL_ENV}`]);
  }
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction) {
    const problems = productionProblems(e);
    if (problems.length > 0) throw new ConfigError(problems);
  }
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
  const port = e.PORT;
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
              forcePathStyle: e.S3_FORCE_PATH_STYLE ?? e.S3_ENDPOINT !== undefined,
              accessKeyId: e.S3_ACCESS_KEY_ID,
              secretAccessKey: e.S3_SECRET_ACCESS_KEY,
              prefix: e.S3_PREFIX,
            }
          : undefined,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    dbPoolMax: e.DB_POOL_MAX,
    dbTimeouts: { statementMs: e.DB_STATEMENT_TIMEOUT_MS, connectMs: e.DB_CONNECT_TIMEOUT_MS },
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    listingCache: { maxBytes: e.LISTING_CACHE_MB * 1024 * 1024, ttlMs: e.LISTING_CACHE_TTL_S * 1000, maxAgeSeconds: e.LISTING_MAX_AGE_S },
    redisUrl: e.REDIS_URL,
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
