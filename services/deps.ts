import type pg from 'pg';
import type { Config } from '../server/config';
import type { Background } from './background';
import type { Clock } from './clock';
import type { Mailer } from './mail/mailer';
import type { PaymentGateway } from './payments/payment-gateway';
import type { PlayRecorder } from './plays/play-recorder';
import type { PlayTokens } from './plays/play-token';
import type { Storage } from './storage/storage';
import type { AccessCache } from './streaming/access-cache';

/** The side effects and settings services work with, passed in so tests can swap them. */
export interface ServiceDeps {
  db: pg.Pool;
  config: Readonly<Config>;
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
  /** Sessions and tracks remembered between the audio routes' range requests; absent: always read. */
  accessCache?: AccessCache;
}

/** Where a request came from, recorded with sessions and sign-in links. */
export interface RequestMeta {
  ipAddress: string | null;
  userAgent: string | null;
}
