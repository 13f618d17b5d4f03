import type pg from 'pg';
import type { Background } from './background';
import type { JobQueue } from './jobs/job-queue';
import type { Ffmpeg } from './audio/ffmpeg';
import type { Clock } from '../lib/clock';
import type { Currency } from '../lib/money';
import type { Logger } from '../lib/logger';
import type { Mailer } from './mail/mailer';
import type { PaymentGateway } from './payments/payment-gateway';
import type { PlayRecorder } from './plays/play-recorder';
import type { PlayTokens } from './plays/play-token';
import type { Storage } from './storage/storage';
import type { FeedCache } from './feed-cache';

/** The settings the rules read (a part of the server's configuration). */
export interface ServiceSettings {
  /** Scheme, host and port the browser sees: links in mail, PayPal's return URLs. */
  appOrigin: string;
  /** `open`: any listener may become an artist; `admin`: only an admin can make one. */
  artistSignup: 'open' | 'admin';
  /** https origins theme image tokens may point at. */
  themeImageHosts: readonly string[];
  /** Where uploads and working files go (renditions are made in its `incoming` folder). */
  uploadDir: string;
  /** The one currency the store prices and sells in. */
  currency: Currency;
  /** The most any price or buyer's amount may be, in minor units. */
  priceMaximumMinor: number;
  ledger: LedgerSettings;
}

export interface LedgerSettings {
  /** The platform's share of each sale after tax, in basis points (PLATFORM_FEE_PERCENT × 100); admins may set another per artist. */
  platformFeeBp: number;
  /** How long a sale's net stays pending (for refunds) before it can be paid out. */
  payoutHoldDays: number;
  /** The least balance a payout run pays out (PAYOUT_MINIMUM), in minor units. */
  payoutMinimumMinor: number;
  /** `inclusive`: prices include VAT at the buyer's country's rate (EU OSS); `none`: no VAT is accounted. */
  taxMode: 'none' | 'inclusive';
  /** The store's own country: the VAT country of a sale whose buyer's PayPal gave none. */
  storeCountry: string | undefined;
}

/** The side effects and settings services work with, passed in so tests can swap them. */
export interface ServiceDeps {
  db: pg.Pool;
  config: Readonly<ServiceSettings>;
  clock: Clock;
  mailer: Mailer;
  background: Background;
  /** Audio, previews and images (local disk under UPLOAD_DIR by default). */
  storage: Storage;
  /** Batches accepted plays into the database. */
  plays: Pick<PlayRecorder, 'add'>;
  /** Signs and checks the play tokens stream responses carry. */
  playTokens: PlayTokens;
  /** PayPal (or its stand-in) behind the gateway interface. */
  payments: PaymentGateway;
  /** Transcodes (renditions), at most a few at once. */
  ffmpeg: Ffmpeg;
  /** Durable background work (pg-boss in the server; run inline by tools and most tests). */
  jobs: JobQueue;
  /** Sessions and tracks remembered between the audio routes' range requests; absent: always read. */
  accessCache?: FeedCache;
  /** Per-filter totals of the public listings, kept until the catalogue changes; absent: always counted. */
  listingCounts?: FeedCache;
  /** Where a rule notes what the operator should know (a fallback it took); absent in tools and tests that do not ask. */
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** What the rules count for the operator's metrics; absent when metrics are off. */
  metrics?: ServiceMetrics;
}

/** The counts services report to the metrics (server/metrics.ts implements them). */
export interface ServiceMetrics {
  /** An order's status changed after its creation (settled by a capture, webhook, reconciliation or refund). */
  orderSettled(status: 'PENDING' | 'COMPLETED' | 'FAILED' | 'REFUNDED'): void;
}

/** Where a request came from, recorded with sessions and sign-in links. */
export interface RequestMeta {
  ipAddress: string | null;
  userAgent: string | null;
}
