/** The API's shapes as the pages use them: the server's own contract (contract/api.ts). */

export type {
  ApiUser as User,
  ApiTrack as Track,
  ApiManagedTrack as ManagedTrack,
  ApiOrder as Order,
  ApiAdminOrder as AdminOrder,
  ApiOrderItem as OrderItem,
  ApiPurchase as Purchase,
  ApiPasskey as Passkey,
  ApiTrackStats as TrackStats,
  ApiArtistStats as ArtistStats,
  ApiRelease as Release,
  ApiManagedRelease as ManagedRelease,
  ApiArtist as Artist,
  ApiAuditEntry as AuditEntry,
} from '../contract/api.js';

/**
 * What the player needs of a track. A catalog Track is one; a purchase gives
 * the rest (a track its buyer owns may have left the catalog, and still plays).
 */
export interface Playable {
  id: number;
  name: string;
  artist: string;
  durationSeconds?: number | null;
  isFree?: boolean;
  priceEur?: string;
  preview?: { seconds: number | null } | null;
}
