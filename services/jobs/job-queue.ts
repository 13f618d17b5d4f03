/**
 * Durable background work. Jobs are rows in PostgreSQL (pg-boss): they
 * survive a restart, are retried with backoff, and each runs once however
 * many app servers (or `npm run worker` processes) work the queue.
 */

export const JOBS = {
  /** Mail a completed gift's claim links to its recipient. */
  giftMail: 'gift-mail',
  /** Mail about an order's money: the receipt and sale notices when it completes, the notice when it is refunded. */
  orderMail: 'order-mail',
  /** Mail each artist who chose a daily digest yesterday's sales. */
  salesDigest: 'sales-digest',
  /** Delete expired sessions, dead sign-in links and expired passkey challenges. */
  cleanup: 'cleanup',
  /** Publish the scheduled releases that have come due. */
  publishReleases: 'publish-releases',
  /** Read stale open orders back from PayPal and settle them. */
  reconcilePayments: 'reconcile-payments',
  /** Transcode a track's master into a download format. */
  rendition: 'rendition',
  /** Compute the waveform of a track's master. */
  waveform: 'waveform',
  /** Build and store a release's ZIP in one format. */
  releaseZip: 'release-zip',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];
export const JOB_NAMES = Object.values(JOBS) as JobName[];
/** The long jobs (ffmpeg runs, ZIPs built): their time limit follows the transcoder's, and they hold heartbeat leases. */
export const LONG_JOBS: readonly JobName[] = [JOBS.rendition, JOBS.waveform, JOBS.releaseZip];

export interface SendOptions {
  /** With `singletonSeconds`: at most one such job per key and time slot, across every server. */
  singletonKey?: string;
  singletonSeconds?: number;
}

export interface JobCount {
  queue: string;
  /** pg-boss's states: created, retry, active, completed, cancelled, failed. */
  state: string;
  count: number;
}

/** Where services put work to be done later. */
export interface JobQueue {
  /** Whether jobs outlive this process: work that can wait (a rendition made ahead of time) is only queued on a durable queue. */
  readonly durable: boolean;
  /** Enqueues a job; resolves to its id, or null when a singleton already holds the slot. */
  send(name: JobName, data: object, options?: SendOptions): Promise<string | null>;
  /** Jobs by queue and state (a queue that keeps none has nothing to count). */
  counts(): Promise<JobCount[]>;
}

/** What runs each job: its data in, done when it resolves (a throw is a retry, with backoff). */
export type JobHandlers = Record<JobName, (data: Record<string, unknown>) => Promise<void>>;
