import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { clock, extraLabel, price } from '../lib/format.js';
import { type View } from '../lib/router.js';
import { currentUser } from '../lib/session.js';
import type { Artist, Purchase, Release, Track } from '../lib/types.js';
import type { ApiFormat } from '../contract/api.js';
import { playTracks } from '../player.js';
import { cartButton, coverOf, trackGrid } from './track-card.js';
import { offerControls } from './offer-controls.js';
import { formatList, releaseDownloadControl } from './downloads.js';

const TYPE_NAMES: Record<Release['type'], string> = { album: 'Album', ep: 'EP', single: 'Single', compilation: 'Compilation' };

const LICENSE_NAMES: Record<Track['license'], string> = {
  'all-rights-reserved': 'All rights reserved',
  cc0: 'CC0 (public domain)',
  'cc-by': 'CC BY',
  'cc-by-sa': 'CC BY-SA',
  'cc-by-nd': 'CC BY-ND',
  'cc-by-nc': 'CC BY-NC',
  'cc-by-nc-sa': 'CC BY-NC-SA',
  'cc-by-nc-nd': 'CC BY-NC-ND',
};

const releaseCover = (release: Release, size: 'small' | 'large') => coverOf(release, release.title, size);

const artistHref = (release: Release) => (release.artist.slug ? `/artists/${release.artist.slug}` : `/artists/${release.artist.id}`);

/** A release in a grid: cover, title, artist, type, year, price. */
export function releaseCard(release: Release): HTMLElement {
  return h(
    'article',
    { class: 'release-card', 'data-release-id': release.id },
    h('div', { class: 'cover-wrap' }, releaseCover(release, 'small')),
    h('h3', {}, h('a', { href: `/releases/${release.id}` }, release.title)),
    h(
      'p',
      { class: 'meta' },
      release.artist.id === null ? (release.artist.name ?? '') : h('a', { href: artistHref(release) }, release.artist.name ?? ''),
    ),
    h(
      'p',
      { class: 'meta' },
      TYPE_NAMES[release.type],
      release.year ? ` · ${release.year}` : '',
      ` · ${release.trackCount} track${release.trackCount === 1 ? '' : 's'}`,
    ),
    h('p', { class: 'price' }, price(release)),
  );
}

export function releaseGrid(releases: Release[], empty: string): HTMLElement {
  if (!releases.length) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'grid' }, releases.map(releaseCard));
}

/** Which of the release's tracks the signed-in listener owns (bought, or their own). */
async function ownedOf(release: Release, tracks: Track[]): Promise<Set<number>> {
  const me = currentUser();
  if (!me) return new Set();
  if (release.artist.id === me.id) return new Set(tracks.map((t) => t.id));
  const { purchases } = await api<{ purchases: Purchase[] }>('GET', '/api/me/purchases?pageSize=100');
  return new Set(purchases.filter((p) => !p.revokedAt).map((p) => p.trackId));
}

/** The formats the whole release can be downloaded in: the original, and the renditions every track is offered in. */
async function releaseFormats(tracks: Track[]): Promise<ApiFormat[]> {
  const all = await Promise.all(
    tracks.map((t) => api<{ formats: ApiFormat[] }>('GET', `/api/tracks/${t.id}/formats`).then((r) => r.formats)),
  );
  return all[0]!
    .filter((f) => all.every((formats) => formats.some((g) => g.format === f.format)))
    .map((f) => (f.format === 'original' ? { ...f, label: 'Original files' } : f));
}

/** A release page: the tracklist in order, play all, buy the release or single tracks, credits. */
export const releaseView: View = async ({ id }) => {
  const { release } = await api<{ release: Release }>('GET', `/api/releases/${encodeURIComponent(id!)}`);
  const tracks = release.tracks ?? [];
  const owned = await ownedOf(release, tracks);
  const ownsAll = tracks.length > 0 && tracks.every((t) => owned.has(t.id));
  const playAll = h('button', { type: 'button', class: 'play-wide' }, '▶ Play all');
  playAll.addEventListener('click', () => playTracks(tracks));
  const licenses = [...new Set(tracks.map((t) => t.license))];
  const rows = tracks.map((t, i) => {
    const full = owned.has(t.id) || t.isFree;
    const play = h('button', { type: 'button', class: 'link', 'aria-label': `Play ${t.name}` }, '▶');
    play.addEventListener('click', () => playTracks(tracks, i));
    return h(
      'tr',
      { 'data-track-id': t.id },
      h('td', { class: 'num' }, String(t.trackNumber ?? i + 1)),
      h('td', {}, play, ' ', h('a', { href: `/tracks/${t.id}` }, t.name)),
      h('td', { class: 'num' }, clock(t.durationSeconds)),
      h(
        'td',
        {},
        full
          ? h('span', { class: 'listen-badge' }, 'Full')
          : t.preview
            ? h('span', { class: 'listen-badge' }, `Preview ${clock(t.preview.seconds)}`)
            : 'No preview',
      ),
      h('td', {}, full ? null : cartButton(t)),
    );
  });
  return {
    title: `${release.title} by ${release.artist.name ?? ''} — Song-Nexus`,
    content: h(
      'article',
      { class: 'track-page release-page' },
      releaseCover(release, 'large'),
      h(
        'div',
        {},
        h('h1', {}, release.title),
        h(
          'p',
          { class: 'meta' },
          `${TYPE_NAMES[release.type]} by `,
          h('a', { href: artistHref(release) }, release.artist.name ?? ''),
          release.year ? ` · ${release.year}` : '',
          ` · ${release.trackCount} track${release.trackCount === 1 ? '' : 's'}, ${clock(release.durationSeconds)}`,
        ),
        h(
          'div',
          { class: 'actions' },
          tracks.length ? playAll : null,
          ownsAll
            ? h('p', { class: 'note' }, 'You own this release.')
            : offerControls(release, 'release', TYPE_NAMES[release.type].toLowerCase()),
          ownsAll && currentUser() && tracks[0] ? releaseDownloadControl(release.id, release.title, await releaseFormats(tracks)) : null,
        ),
        h(
          'table',
          { class: 'table tracklist' },
          h('caption', { class: 'visually-hidden' }, `Tracks of ${release.title}`),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col', class: 'num' }, '#'),
              h('th', { scope: 'col' }, 'Title'),
              h('th', { scope: 'col', class: 'num' }, 'Length'),
              h('th', { scope: 'col' }, 'Listen'),
              h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Buy the track')),
            ),
          ),
          h('tbody', {}, rows),
        ),
        release.description ? h('p', {}, release.description) : null,
        release.credits ? h('section', {}, h('h2', {}, 'Credits'), h('p', { class: 'credits' }, release.credits)) : null,
        release.tags.length
          ? h(
              'p',
              { class: 'tags' },
              release.tags.map((t) => h('a', { class: 'tag', href: `/releases?tag=${encodeURIComponent(t)}` }, `#${t}`)),
            )
          : null,
        licenses.length ? h('p', { class: 'note' }, `License: ${licenses.map((l) => LICENSE_NAMES[l]).join(', ')}`) : null,
        release.catalogueNumber ? h('p', { class: 'note' }, `Catalogue number ${release.catalogueNumber}`) : null,
        tracks[0] ? await formatList(tracks[0].id) : null,
        release.extras?.length
          ? h('p', { class: 'note extras' }, `Every download includes ${release.extras.map(extraLabel).join(', ')}.`)
          : null,
      ),
    ),
  };
};

/** An artist's page, by slug or id: picture, bio, links, the discography by type, then their tracks. */
export const artistView: View = async ({ id }) => {
  const { artist, discography, tracks } = await api<{ artist: Artist; discography: Record<Release['type'], Release[]>; tracks: Track[] }>(
    'GET',
    `/api/artists/${encodeURIComponent(id!)}`,
  );
  const sections = (Object.keys(TYPE_NAMES) as Release['type'][])
    .filter((type) => discography[type].length)
    .map((type) => h('section', {}, h('h2', {}, `${TYPE_NAMES[type]}s`), releaseGrid(discography[type], '')));
  return {
    title: `${artist.name} — Song-Nexus`,
    content: h(
      'section',
      { class: 'artist-page' },
      h(
        'header',
        { class: 'artist-head' },
        artist.avatarUrl
          ? h('img', { class: 'avatar', src: artist.avatarUrl, alt: `Picture of ${artist.name}`, width: 120, height: 120 })
          : null,
        h(
          'div',
          {},
          h('h1', {}, artist.name),
          artist.location ? h('p', { class: 'meta' }, artist.location) : null,
          artist.bio ? h('p', {}, artist.bio) : null,
          artist.links.length
            ? h(
                'ul',
                { class: 'links' },
                artist.links.map((l) => h('li', {}, h('a', { href: l, rel: 'noopener nofollow ugc' }, new URL(l).hostname))),
              )
            : null,
        ),
      ),
      sections.length ? sections : h('p', { class: 'empty' }, 'No releases yet.'),
      h('h2', {}, 'Tracks'),
      trackGrid(tracks, 'This artist has no published tracks yet.'),
    ),
  };
};
