import { camelColumns } from '../columns';
import { firstRow, type Queryable } from '../pool';

export interface ArtistProfile {
  userId: number;
  /** The account's public name (display name, else username). */
  name: string;
  slug: string;
  bio: string | null;
  location: string | null;
  avatarFilename: string | null;
  avatarMime: string | null;
  /** https URLs, at most 10. */
  links: string[];
  updatedAt: Date;
}

const PROFILE_COLUMNS = camelColumns(
  `ap.user_id, COALESCE(NULLIF(trim(u.display_name), ''), 'Artist #' || u.id) AS name, ap.slug, ap.bio, ap.location, ap.avatar_filename, ap.avatar_mime, ap.links, ap.updated_at`,
);
const PROFILE_FROM = 'artist_profiles ap JOIN users u ON u.id = ap.user_id';

/** An active artist's (or admin's) profile by slug or by account id. */
export function findArtistProfile(db: Queryable, by: { slug: string } | { userId: number }): Promise<ArtistProfile | undefined> {
  const [where, value] = 'slug' in by ? ['ap.slug = $1', by.slug] : ['ap.user_id = $1', by.userId];
  return firstRow<ArtistProfile>(
    db,
    `SELECT ${PROFILE_COLUMNS} FROM ${PROFILE_FROM} WHERE ${where} AND u.is_active AND u.role IN ('artist', 'admin')`,
    [value],
  );
}

/**
 * Gives the account a profile if it has none, its slug made from `name`
 * (`-2`, `-3`, … when taken). Safe to call again and concurrently.
 */
export async function ensureArtistProfile(db: Queryable, userId: number, base: string): Promise<void> {
  for (let n = 1; n <= 50; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const { rowCount } = await db.query(
      `INSERT INTO artist_profiles (user_id, slug) VALUES ($1, $2)
       ON CONFLICT DO NOTHING`,
      [userId, slug],
    );
    if (rowCount) return;
    if ((await db.query('SELECT 1 FROM artist_profiles WHERE user_id = $1', [userId])).rowCount) return;
  }
  await db.query('INSERT INTO artist_profiles (user_id, slug) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING', [
    userId,
    `${base}-${userId}`,
  ]);
}

export interface ProfileChanges {
  slug?: string;
  bio?: string | null;
  location?: string | null;
  links?: string[];
  avatarFilename?: string | null;
  avatarMime?: string | null;
}

const CHANGE_COLUMNS: Record<keyof ProfileChanges, string> = {
  slug: 'slug',
  bio: 'bio',
  location: 'location',
  links: 'links',
  avatarFilename: 'avatar_filename',
  avatarMime: 'avatar_mime',
};

export async function updateArtistProfile(db: Queryable, userId: number, changes: ProfileChanges): Promise<void> {
  const keys = (Object.keys(changes) as (keyof ProfileChanges)[]).filter((k) => changes[k] !== undefined);
  if (!keys.length) return;
  const sets = keys.map((k, i) => `${CHANGE_COLUMNS[k]} = $${i + 2}`).join(', ');
  await db.query(`UPDATE artist_profiles SET ${sets} WHERE user_id = $1`, [userId, ...keys.map((k) => changes[k])]);
}
