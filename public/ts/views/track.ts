import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { clock, price } from '../lib/format.js';
import type { View } from '../lib/router.js';
import { currentUser } from '../lib/session.js';
import type { Purchase, Track } from '../lib/types.js';
import { playTracks } from '../player.js';
import { artistLink, cover } from './track-card.js';
import { offerControls } from './offer-controls.js';
import { downloadControl, formatList } from './downloads.js';

async function owns(trackId: number): Promise<boolean> {
  if (!currentUser()) return false;
  const { purchases } = await api<{ purchases: Purchase[] }>('GET', '/api/me/purchases?pageSize=100');
  return purchases.some((p) => p.trackId === trackId && !p.revokedAt);
}

export const trackView: View = async ({ id }) => {
  const { track } = await api<{ track: Track }>('GET', `/api/tracks/${encodeURIComponent(id!)}`);
  const mine = track.artistId === currentUser()?.id || (await owns(track.id));
  const full = mine || track.isFree;
  const play = h(
    'button',
    { type: 'button', class: 'play-wide' },
    full ? '▶ Play' : `▶ Play preview (${clock(track.preview?.seconds ?? 0)})`,
  );
  play.addEventListener('click', () => playTracks([track]));
  return {
    title: `${track.name} by ${track.artist} — Song-Nexus`,
    content: h(
      'article',
      { class: 'track-page' },
      cover(track, 'large'),
      h(
        'div',
        {},
        h('h1', {}, track.name),
        h('p', { class: 'meta' }, 'by ', artistLink(track), track.genre ? ` · ${track.genre}` : '', ` · ${clock(track.durationSeconds)}`),
        track.description ? h('p', {}, track.description) : null,
        h('p', { class: 'price' }, price(track)),
        h('div', { class: 'actions' }, track.preview || full ? play : h('p', {}, 'No preview for this track.')),
        full && track.isFree ? null : mine ? null : offerControls(track, 'track', `“${track.name}”`),
        full && currentUser() ? h('p', {}, downloadControl(track.id, track.name)) : await formatList(track.id),
        mine ? h('p', { class: 'note' }, 'You own this track.') : null,
      ),
    ),
  };
};
