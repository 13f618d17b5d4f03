import { findArtistProfile, ensureArtistProfile, updateArtistProfile, type ArtistProfile } from '../../db/repos/artist-profiles.repo';
import { listPublicReleases, type Release } from '../../db/repos/releases.repo';
import { findUserById } from '../../db/repos/users.repo';
import { fail, fromPgError, userNotFound } from '../../lib/errors';
import { requireRole, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { publicName } from '../users.service';
import { storeCoverBytes } from './track-files';

/** The slug a name makes: lower-case ASCII letters and digits joined by single hyphens, at most 50 characters, with a letter. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 50)
    .replace(/^-+|-+$/g, '');
  // An address of digits only would read as an account id.
  return /[a-z]/.test(slug) ? slug : `artist-${slug}`.replace(/-$/, '');
}

/** The signed-in artist's own profile, made on first use. */
export async function myArtistProfile(deps: ServiceDeps, actor: Actor | undefined): Promise<ArtistProfile> {
  const me = requireRole(actor, 'artist', 'admin');
  const user = await findUserById(deps.db, me.userId);
  if (!user) throw userNotFound();
  await ensureArtistProfile(deps.db, user.id, slugOf(publicName(user)));
  return (await findArtistProfile(deps.db, { userId: user.id }))!;
}

export interface ProfileEdit {
  slug?: string;
  bio?: string | null;
  location?: string | null;
  links?: string[];
}

/** Edits the artist's profile; a slug another artist has is refused with 409 slug_taken. */
export async function updateMyArtistProfile(deps: ServiceDeps, actor: Actor | undefined, edit: ProfileEdit): Promise<ArtistProfile> {
  const profile = await myArtistProfile(deps, actor);
  try {
    await updateArtistProfile(deps.db, profile.userId, edit);
  } catch (err) {
    if (fromPgError(err)?.code === 'already_exists') throw fail('slug_taken');
    throw err;
  }
  return (await findArtistProfile(deps.db, { userId: profile.userId }))!;
}

/** Replaces (or with null removes) the artist's avatar, stored before the profile points at it. */
export async function replaceMyAvatar(deps: ServiceDeps, actor: Actor | undefined, image: Buffer | null): Promise<ArtistProfile> {
  const profile = await myArtistProfile(deps, actor);
  const avatar = image ? await storeCoverBytes(deps, image) : null;
  try {
    await updateArtistProfile(deps.db, profile.userId, { avatarFilename: avatar?.key ?? null, avatarMime: avatar?.mime ?? null });
  } catch (err) {
    if (avatar) await deps.storage.remove(avatar.key);
    throw err;
  }
  if (profile.avatarFilename) await deps.storage.remove(profile.avatarFilename);
  return (await findArtistProfile(deps.db, { userId: profile.userId }))!;
}

/**
 * An artist's public page by slug or account id: the profile and every
 * published release (the route groups them by type). An account that is not
 * an active artist is 404.
 */
export async function artistProfilePage(
  deps: Pick<ServiceDeps, 'db'>,
  slugOrId: string,
): Promise<{ profile: ArtistProfile; releases: Release[] }> {
  const profile = await artistProfile(deps, slugOrId);
  const { rows: releases } = await listPublicReleases(
    deps.db,
    { artistUserId: profile.userId, sort: 'release-date' },
    { limit: 200, offset: 0 },
  );
  return { profile, releases };
}

/** An active artist's profile by slug or account id (made on first visit for an artist who has none); 404 otherwise. */
export async function artistProfile(deps: Pick<ServiceDeps, 'db'>, slugOrId: string): Promise<ArtistProfile> {
  const userId = /^[1-9]\d{0,9}$/.test(slugOrId) ? Number(slugOrId) : undefined;
  if (userId !== undefined && userId > 2_147_483_647) throw fail('artist_not_found');
  const by = userId === undefined ? { slug: slugOrId } : { userId };
  let profile = await findArtistProfile(deps.db, by);
  if (!profile && userId !== undefined) {
    // An artist who never opened the studio since releases came: their profile is made on first visit.
    const user = await findUserById(deps.db, userId);
    if (user && user.isActive && (user.role === 'artist' || user.role === 'admin')) {
      await ensureArtistProfile(deps.db, user.id, slugOf(publicName(user)));
      profile = await findArtistProfile(deps.db, by);
    }
  }
  if (!profile) throw fail('artist_not_found');
  return profile;
}
