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

/** A track as the catalog shows it. */
export interface ApiTrack {
  id: number;
  name: string;
  artist: string;
  /** The artist's account; null for tracks no account owns (imported catalogues). */
  artistId: number | null;
  genre: string | null;
  description: string | null;
  /** Exact decimal string in euros, e.g. "0.99". */
  priceEur: string;
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
export const RELEASE_TYPES = ['album', 'ep', 'single', 'compilation'] as const;
export type ReleaseType = (typeof RELEASE_TYPES)[number];

/** A release as the store shows it: a card in lists, with `tracks` in order on its own page. */
export interface ApiRelease {
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
  /** Exact decimal string in euros, the price of the whole release. */
  priceEur: string;
  tags: string[];
  trackCount: number;
  durationSeconds: number;
  coverUrl: string | null;
  publishedAt: string | null;
  tracks?: ApiTrack[];
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
  price: string;
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
  licenseType: string;
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

export interface ApiArtistStats {
  tracks: ApiTrackStats[];
  daily: { day: string; trackId: number; plays: number }[];
  range: { from: string; to: string };
}

/** Every error answer: `{ error: { code, message, details? } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
