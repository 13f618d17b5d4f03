/**
 * The API's shapes, as the server's presenters send them and the browser
 * reads them (the README's API section describes each). Types, and the
 * value lists a type is made of; this folder imports nothing and is imported by routes/ and public/ts alone.
 */

export type Role = 'user' | 'artist' | 'admin';

export interface ApiUser {
  id: number;
  email: string;
  username: string;
  displayName: string | null;
  role: Role;
  isActive: boolean;
  createdAt: string;
  lastLogin: string | null;
  /** When the account was erased (its row stays, with nothing personal in it). */
  erasedAt: string | null;
}

export interface ApiPasskey {
  id: number;
  name: string;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  transports: string[];
  createdAt: string;
  lastUsed: string | null;
}

/**
 * How a track or release is priced, in the store currency (decimal strings):
 * `price` is what it costs at least (the fixed price, the name-your-price
 * minimum, or "0.00"); `priceEur` is its older alias, the same value.
 */
export interface ApiOffer {
  priceModel: PriceModel;
  price: string;
  /** Name-your-price only: the least a buyer may pay, and the amount shown pre-filled. */
  minimumPrice: string | null;
  suggestedPrice: string | null;
  /** Licenses offered besides personal use, each at its own price; null: not offered. */
  licenses: {
    commercial: { price: string; terms: string | null } | null;
    streaming: { price: string; days: number } | null;
  };
}

/** A track as the catalog shows it. */
export interface ApiTrack extends ApiOffer {
  id: number;
  name: string;
  artist: string;
  /** The artist's account; null for tracks no account owns (imported catalogues). */
  artistId: number | null;
  genre: string | null;
  description: string | null;
  /** The same as `price` (its older name). */
  priceEur: string;
  /** priceModel is "free". */
  isFree: boolean;
  /** Whole seconds; null when the length is not known. */
  durationSeconds: number | null;
  preview: { seconds: number | null } | null;
  playCount: number;
  coverUrl: string | null;
  createdAt: string;
  /** The release the track is on, and its place there; null for a standalone track. */
  releaseId: number | null;
  trackNumber: number | null;
  discNumber: number;
  lyrics: string | null;
  /** 12 characters, no hyphens. */
  isrc: string | null;
  credits: string | null;
  license: TrackLicense;
  tags: string[];
}

/** All rights reserved, or one of the Creative Commons licenses (CC0 and the six CC BY variants). */
export const TRACK_LICENSES = [
  'all-rights-reserved',
  'cc0',
  'cc-by',
  'cc-by-sa',
  'cc-by-nd',
  'cc-by-nc',
  'cc-by-nc-sa',
  'cc-by-nc-nd',
] as const;
export type TrackLicense = (typeof TRACK_LICENSES)[number];
/** Rows a public listing's page number may skip; deeper pages are reached with `after` (the nextCursor a page gives). */
export const MAX_OFFSET_ROWS = 10_000;

export const RELEASE_TYPES = ['album', 'ep', 'single', 'compilation'] as const;
/** What a download can be: the uploaded file, or a rendition of a lossless master. */
export const DOWNLOAD_FORMATS = ['original', 'mp3_320', 'mp3_v0', 'aac', 'vorbis', 'opus', 'flac', 'alac', 'wav', 'aiff'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

/** GET /api/tracks/:id/waveform (200; 202 `{ status: 'preparing' }` while it is computed). */
export interface ApiWaveform {
  bins: number;
  /** The loudest sample of each equal stretch of the whole track, 0–255 of full scale. */
  peaks: number[];
  durationSeconds: number | null;
}

/** One format a track can be downloaded in (GET /api/tracks/:id/formats). */
export interface ApiFormat {
  format: DownloadFormat;
  label: string;
  /** Already made: the download starts at once (otherwise it is prepared first, 202). */
  ready: boolean;
}

/** How an item is priced: a fixed price, name your price (at least a minimum, 0 allowed), or free. */
export const PRICE_MODELS = ['fixed', 'name_your_price', 'free'] as const;
export type PriceModel = (typeof PRICE_MODELS)[number];
/** What a purchase entitles to: personal use, commercial use (with the artist's terms), or streaming only until it expires. */
export const LICENSE_TYPES = ['personal', 'commercial', 'streaming'] as const;
export type LicenseType = (typeof LICENSE_TYPES)[number];
export type ReleaseType = (typeof RELEASE_TYPES)[number];

/** A release as the store shows it: a card in lists, with `tracks` in order on its own page. */
export interface ApiRelease extends ApiOffer {
  id: number;
  title: string;
  type: ReleaseType;
  artist: { id: number | null; name: string | null; slug: string | null };
  description: string | null;
  credits: string | null;
  /** YYYY-MM-DD. */
  releaseDate: string | null;
  /** The year shown on cards: the release date's, else the publication's. */
  year: number | null;
  catalogueNumber: string | null;
  upc: string | null;
  /** The same as `price` (its older name): the price of the whole release. */
  priceEur: string;
  tags: string[];
  trackCount: number;
  durationSeconds: number;
  coverUrl: string | null;
  publishedAt: string | null;
  tracks?: ApiTrack[];
  /** On the release's own page: what its ZIP holds beside the tracks and the cover. */
  extras?: ApiReleaseExtra[];
}

/** A file attached to a release (a PDF booklet, an image), part of its ZIPs. */
export interface ApiReleaseExtra {
  id: number;
  name: string;
  mime: string;
  sizeBytes: number;
}

/** A release as its artist manages it: every state, the schedule, and every track (deleted ones flagged). */
export interface ApiManagedRelease extends Omit<ApiRelease, 'tracks'> {
  isPublished: boolean;
  publishAt: string | null;
  isDeleted: boolean;
  createdAt: string;
  updatedAt: string;
  tracks: ApiManagedTrack[];
}

/** An artist's public profile. */
export interface ApiArtist {
  id: number;
  name: string;
  slug: string;
  bio: string | null;
  location: string | null;
  avatarUrl: string | null;
  links: string[];
}

/** A track as its artist (or an admin) manages it. */
export interface ApiManagedTrack extends ApiTrack {
  isPublished: boolean;
  isDeleted: boolean;
  deletedAt: string | null;
  freePreviewDuration: number;
  fileSizeBytes: number | null;
  format: string | null;
  codec: string | null;
  bitrate: number | null;
  sampleRate: number | null;
  channels: number | null;
  updatedAt: string;
}

export type OrderStatus = 'CREATED' | 'PENDING' | 'COMPLETED' | 'FAILED' | 'REFUNDED';

export interface ApiOrderItem {
  /** A line pays for one track or for a whole release. */
  kind: 'track' | 'release';
  trackId: number | null;
  releaseId: number | null;
  title: string;
  artist: string;
  /** What the line costs: minimumPrice - discountAmount + extraAmount. */
  price: string;
  license: LicenseType;
  /** A streaming pass's days. */
  streamingDays: number | null;
  /** The fixed price or minimum (for the license) when the order was made. */
  minimumPrice: string;
  /** What the discount code took off. */
  discountAmount: string;
  /** What the buyer chose to pay above the (discounted) minimum. */
  extraAmount: string;
  discountCode: string | null;
}

export interface ApiOrder {
  id: number;
  status: OrderStatus;
  amount: string;
  currency: string;
  description: string | null;
  items: ApiOrderItem[];
  /** Only while the order can still be paid. */
  approveUrl: string | null;
  failureReason: string | null;
  createdAt: string;
  completedAt: string | null;
  refundedAt: string | null;
  /** A gift order: where the claim links went and which were claimed. */
  gift: ApiGiftStatus | null;
}

export interface ApiGiftStatus {
  email: string;
  items: { trackId: number | null; releaseId: number | null; claimedAt: string | null; revoked: boolean }[];
}

export interface ApiAdminOrder extends ApiOrder {
  userId: number;
  payerEmail: string | null;
  paypalOrderId: string;
  captureId: string | null;
  invoiceId: string;
  updatedAt: string;
}

export interface ApiPurchase {
  trackId: number;
  title: string;
  artist: string;
  orderId: number | null;
  licenseType: LicenseType;
  /** How it was granted: bought, a download code or gift claimed, or free. */
  source: 'order' | 'code' | 'free';
  purchasedAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  trackDeleted: boolean;
  /** The release whose purchase granted the track, if any. */
  releaseId: number | null;
  releaseTitle: string | null;
}

/** One row of an artist's statistics (GET /api/artist/stats). */
export interface ApiTrackStats {
  trackId: number;
  name: string;
  plays: number;
  countedPlays: number;
  uniqueListeners: number;
  previewPlays: number;
  fullPlays: number;
  purchases: number;
  revenueEur: string;
}

/** A release's sales as whole releases (its tracks' own sales are in the tracks' rows). */
export interface ApiReleaseStats {
  releaseId: number;
  title: string;
  purchases: number;
  revenueEur: string;
}

export interface ApiArtistStats {
  tracks: ApiTrackStats[];
  releases: ApiReleaseStats[];
  daily: { day: string; trackId: number; plays: number }[];
  range: { from: string; to: string };
}

/** The store's selling settings (GET /api/store). */
export interface ApiStore {
  currency: string;
  /** Digits after the decimal point in amounts: 2, or 0 (HUF, JPY, TWD). */
  decimals: 0 | 2;
  /** The most a buyer may offer for one name-your-price item. */
  priceMaximum: string;
}

/** A discount code as its artist (or an admin) sees it. */
export interface ApiDiscountCode {
  id: number;
  code: string;
  /** null: store-wide (an admin's). */
  artistId: number | null;
  percentOff: number | null;
  amountOff: string | null;
  startsAt: string | null;
  endsAt: string | null;
  maxRedemptions: number | null;
  redemptions: number;
  /** Open orders holding a use until they complete or fail. */
  reserved: number;
  disabledAt: string | null;
  createdAt: string;
  /** The items it applies to; both empty: every item of its artist (or of the store). */
  trackIds: number[];
  releaseIds: number[];
}

/** A download code of an artist's batch. */
export interface ApiDownloadCode {
  id: number;
  code: string;
  createdAt: string;
  redeemedAt: string | null;
  disabledAt: string | null;
}

/** Every error answer: `{ error: { code, message, details? } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** GET /api/artist/earnings (an artist's own) and GET /api/admin/earnings (the store's): amounts are decimal strings. */
export interface ApiEarnings {
  holdDays: number;
  platformFeePercent: string;
  balances: {
    currency: string;
    /** Older than the hold: can be paid out. */
    available: string;
    /** Within the hold, for refunds. */
    pending: string;
    /** What payouts sent (or are sending); failed and returned ones not. */
    paidOut: string;
    gross: string;
    tax: string;
    paypalFee: string;
    platformFee: string;
    net: string;
    sales: number;
    refunds: number;
  }[];
  months: { month: string; currency: string; net: string }[];
}

/** One row of the audit trail (GET /api/admin/audit). */
export interface ApiAuditEntry {
  id: number;
  at: string;
  /** `user` with its id; `cli` (an operator's script), `provider` (PayPal), `system` (a scheduled job) without. */
  actor: { kind: 'user' | 'cli' | 'provider' | 'system'; userId: number | null };
  /** `family.verb`: user.deactivated, order.refunded, theme.saved, … */
  action: string;
  target: { type: string; id: string | null };
  changes: Record<string, unknown>;
}
