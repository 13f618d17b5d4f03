import { addToCart, inCart, removeFromCart, type CartItem } from '../lib/cart.js';
import { h } from '../lib/dom.js';
import { clock, price } from '../lib/format.js';
import type { Track } from '../lib/types.js';
import { playTracks } from '../player.js';

/** A cover image, or a placeholder drawn from the id so a grid is not blank; `title` names it for screen readers. */
export function coverOf(item: { id: number; coverUrl: string | null }, title: string, size: 'small' | 'large' = 'small'): HTMLElement {
  if (item.coverUrl)
    return h('img', {
      class: `cover ${size}`,
      src: item.coverUrl,
      alt: `Cover of ${title}`,
      loading: 'lazy',
      width: 300,
      height: 300,
    });
  return h(
    'div',
    { class: `cover ${size} placeholder hue-${item.id % 6}`, role: 'img', 'aria-label': `No cover for ${title}` },
    title.slice(0, 1),
  );
}

/** A track's cover. */
export const cover = (track: Track, size: 'small' | 'large' = 'small'): HTMLElement => coverOf(track, track.name, size);

/** "Add to cart" that turns into "In cart ✓ (remove)"; `choice` adds the license and amount picked on the page. */
export function cartButton(
  item: { id: number; isFree?: boolean; priceEur: string; priceModel?: string; price?: string },
  kind: CartItem['kind'] = 'track',
  choice: () => Partial<CartItem> = () => ({}),
): HTMLElement {
  const button = h('button', { type: 'button', class: 'secondary' });
  const show = () => {
    const added = inCart(kind, item.id);
    button.textContent = added ? 'In cart ✓' : `Add to cart · ${price(item)}`;
    button.setAttribute('aria-pressed', String(added));
  };
  button.addEventListener('click', () => {
    if (inCart(kind, item.id)) removeFromCart({ kind, id: item.id });
    else addToCart({ ...choice(), kind, id: item.id });
    show();
  });
  show();
  return button;
}

/** One track in a grid; `list` is the grid's tracks, for next/previous in the player. */
export function trackCard(track: Track, list: Track[]): HTMLElement {
  const play = h('button', { type: 'button', class: 'play', 'aria-label': `Play ${track.name} by ${track.artist}` }, '▶');
  play.addEventListener('click', () => playTracks(list, list.indexOf(track)));
  return h(
    'article',
    { class: 'track-card', 'data-track-id': track.id },
    h('div', { class: 'cover-wrap' }, cover(track), play),
    h('h3', {}, h('a', { href: `/tracks/${track.id}` }, track.name)),
    h('p', { class: 'meta' }, artistLink(track)),
    h('p', { class: 'meta' }, track.genre ?? 'No genre', ' · ', clock(track.durationSeconds)),
    h('p', { class: 'price' }, price(track)),
    track.isFree ? null : cartButton(track),
  );
}

export function trackGrid(tracks: Track[], empty: string): HTMLElement {
  if (!tracks.length) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'grid' },
    tracks.map((t) => trackCard(t, tracks)),
  );
}

/** The artist's name, linked to their page when an account owns the track. */
export function artistLink(track: Pick<Track, 'artistId' | 'artist'>): HTMLElement | string {
  return track.artistId === null ? track.artist : h('a', { href: `/artists/${track.artistId}` }, track.artist);
}
