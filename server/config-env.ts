import os from 'node:os';
import { z } from 'zod';
import { PAYPAL_CURRENCIES } from '../lib/money';

/**
 * The shape of the environment server/config.ts reads: every variable, its
 * type, bounds and default. Only config.ts reads the environment itself.
 */

/** What express accepts for `trust proxy`: off/on, a hop count, or subnets. */
export type TrustProxy = boolean | number | string;

export type Env = Record<string, string | undefined>;

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

export function parseTrustProxy(raw: string): TrustProxy {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw; // e.g. "loopback, 10.0.0.0/8" — express validates the list itself
}

export const envSchema = z.object({
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
  S3_RESPONSE_TIMEOUT_MS: int(100, 60_000, 800),
  S3_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^([A-Za-z0-9._-]+\/)*$/, 'must be empty or end with /')
      .default(''),
  ),
  DELIVERY: z.preprocess(emptyToUndefined, z.enum(['node', 'nginx', 's3']).default('node')),
  DELIVERY_NGINX_LOCATION: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(\/[A-Za-z0-9._-]+)+\/$/, 'must be a path like /_protected/ (the internal location of the nginx site)')
      .default('/_protected/'),
  ),
  DELIVERY_URL_TTL_S: int(10, 86_400, 300),
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
  METRICS_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\x21-\x7e]{24,200}$/, 'must be 24 to 200 printable characters')
      .optional(),
  ),
  METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).optional()),
  METRICS_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
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
  ALLOW_PAYPAL_STANDIN: z.preprocess(emptyToUndefined, z.enum(['staging']).optional()),
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
