/** The API's shapes as the pages use them (see the README's API section). */

export interface User {
  id: number;
  email: string;
  username: string;
  displayName: string | null;
  role: 'user' | 'artist' | 'admin';
  isActive: boolean;
}

export interface Track {
  id: number;
  name: string;
  artist: string;
  artistId: number;
  genre: string | null;
  description: string | null;
  priceEur: string;
  isFree: boolean;
  durationSeconds: number;
  preview: { seconds: number } | null;
  playCount: number;
  coverUrl: string | null;
}

/**
 * What the player needs of a track. A catalog Track is one; a purchase gives
 * the rest (a track its buyer owns may have left the catalog, and still plays).
 */
export interface Playable {
  id: number;
  name: string;
  artist: string;
  durationSeconds?: number;
  isFree?: boolean;
  priceEur?: string;
  preview?: { seconds: number } | null;
}

export interface ManagedTrack extends Track {
  isPublished: boolean;
  isDeleted: boolean;
  freePreviewDuration: number;
  fileSizeBytes: number;
  format: string;
}

export interface OrderItem {
  trackId: number;
  title: string;
  artist: string;
  price: string;
}

export interface Order {
  id: number;
  status: 'CREATED' | 'PENDING' | 'COMPLETED' | 'FAILED' | 'REFUNDED';
  amount: string;
  currency: string;
  items: OrderItem[];
  approveUrl: string | null;
  createdAt: string;
  userId?: number;
  payerEmail?: string | null;
}

export interface Purchase {
  trackId: number;
  title: string;
  artist: string;
  orderId: number | null;
  purchasedAt: string;
  revokedAt: string | null;
  expiresAt: string | null;
  trackDeleted: boolean;
}
