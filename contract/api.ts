/**
 * The API's shapes, as the server's presenters send them and the browser
 * reads them (the README's API section describes each). Types only: this
 * folder imports nothing and is imported by routes/ and public/ts alone.
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
  trackId: number;
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
