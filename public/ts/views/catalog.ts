import { api, query } from '../lib/api.js';
import { field, formOf, h } from '../lib/dom.js';
import { listingPager, type ListingPage } from '../lib/listing-pager.js';
import { navigate, type View } from '../lib/router.js';
import type { Release, Track } from '../lib/types.js';
import { releaseGrid } from './release.js';
import { trackGrid } from './track-card.js';

const PAGE_SIZE = 24;
/** The newest releases (or those matching the search) above the tracks. */
const RELEASES_SHOWN = 8;

/** The storefront: search, genre, sort, pages. The URL holds the state, so it can be shared and go back. */
export const catalogView: View = async (_params, q) => {
  const state = {
    q: q.get('q') ?? '',
    genre: q.get('genre') ?? '',
    sort: q.get('sort') ?? 'newest',
    page: Math.max(1, Number(q.get('page')) || 1),
    after: q.get('after') ?? '',
  };
  const [releases, list, genres] = await Promise.all([
    api<{ releases: Release[]; total: number }>('GET', `/api/releases${query({ q: state.q, pageSize: RELEASES_SHOWN })}`),
    api<{ tracks: Track[] } & ListingPage>(
      'GET',
      `/api/tracks${query({ q: state.q, genre: state.genre, sort: state.sort, page: state.page, after: state.after, limit: PAGE_SIZE })}`,
    ),
    api<{ genres: { genre: string; tracks: number }[] }>('GET', '/api/genres'),
  ]);
  const go = (changes: Partial<typeof state>) => {
    const next = { ...state, page: 1, after: '', ...changes };
    const sortShown = next.sort === 'newest' ? '' : next.sort;
    navigate(`/${query({ q: next.q, genre: next.genre, sort: sortShown, page: next.page > 1 ? next.page : '', after: next.after })}`);
  };

  const search = h('input', { type: 'search', name: 'q', value: state.q, placeholder: 'Title, artist or genre', maxlength: 100 });
  const genre = h(
    'select',
    { name: 'genre' },
    h('option', { value: '' }, 'All genres'),
    genres.genres.map((g) => h('option', { value: g.genre, selected: g.genre === state.genre }, `${g.genre} (${g.tracks})`)),
  );
  const sort = h(
    'select',
    { name: 'sort' },
    (
      [
        ['newest', 'Newest'],
        ['popular', 'Most played'],
        ['price', 'Price'],
      ] as const
    ).map(([v, label]) => h('option', { value: v, selected: v === state.sort }, label)),
  );
  const form = formOf(
    { class: 'filters', role: 'search' },
    [field('Search', search), field('Genre', genre), field('Sort by', sort), h('button', { type: 'submit' }, 'Search')],
    () => {
      go({ q: search.value.trim(), genre: genre.value, sort: sort.value });
    },
  );
  genre.addEventListener('change', () => go({ q: search.value.trim(), genre: genre.value, sort: sort.value }));
  sort.addEventListener('change', () => go({ q: search.value.trim(), genre: genre.value, sort: sort.value }));

  const nav = listingPager(list, 'track', (target) => go({ ...state, page: target.page ?? 1, after: target.after ?? '' }));
  const empty = state.q || state.genre ? 'No tracks match. Try other words or all genres.' : 'The store has no tracks yet.';
  return {
    title: state.q ? `“${state.q}” — Song-Nexus` : 'Song-Nexus',
    content: h(
      'section',
      { class: 'catalog' },
      h('h1', {}, state.q ? `Results for “${state.q}”` : 'Discover music'),
      form,
      releases.releases.length
        ? h('h2', {}, 'Releases ', h('small', {}, h('a', { href: `/releases${query({ q: state.q })}` }, 'all releases')))
        : null,
      releases.releases.length ? releaseGrid(releases.releases, '') : null,
      h('h2', {}, 'Tracks'),
      trackGrid(list.tracks, empty),
      nav,
    ),
  };
};
