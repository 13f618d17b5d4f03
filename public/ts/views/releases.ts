import { api, query } from '../lib/api.js';
import { field, formOf, h } from '../lib/dom.js';
import { listingPager, type ListingPage } from '../lib/listing-pager.js';
import { navigate, type View } from '../lib/router.js';
import type { Release } from '../lib/types.js';
import { releaseGrid } from './release.js';

const PAGE_SIZE = 24;

const SORTS = [
  ['newest', 'Newest'],
  ['release-date', 'Release date'],
  ['popular', 'Most played'],
  ['price', 'Price'],
] as const;

const TYPES = [
  ['', 'All types'],
  ['album', 'Albums'],
  ['ep', 'EPs'],
  ['single', 'Singles'],
  ['compilation', 'Compilations'],
] as const;

/** Every release: search (title, artist, tag, a track inside), tag, type, sort, pages. The URL holds the state. */
export const releasesView: View = async (_params, q) => {
  const state = {
    q: q.get('q') ?? '',
    tag: q.get('tag') ?? '',
    type: q.get('type') ?? '',
    sort: q.get('sort') ?? 'newest',
    page: Math.max(1, Number(q.get('page')) || 1),
    after: q.get('after') ?? '',
  };
  const list = await api<{ releases: Release[] } & ListingPage>('GET', `/api/releases${query({ ...state, pageSize: PAGE_SIZE })}`);
  const go = (changes: Partial<typeof state>) => {
    const next = { ...state, page: 1, after: '', ...changes };
    navigate(`/releases${query({ ...next, sort: next.sort === 'newest' ? '' : next.sort, page: next.page > 1 ? next.page : '' })}`);
  };
  const search = h('input', { type: 'search', name: 'q', value: state.q, placeholder: 'Title, artist, tag or a track', maxlength: 100 });
  const type = h(
    'select',
    { name: 'type' },
    TYPES.map(([v, label]) => h('option', { value: v, selected: v === state.type }, label)),
  );
  const sort = h(
    'select',
    { name: 'sort' },
    SORTS.map(([v, label]) => h('option', { value: v, selected: v === state.sort }, label)),
  );
  const current = () => ({ q: search.value.trim(), type: type.value, sort: sort.value });
  const form = formOf(
    { class: 'filters', role: 'search' },
    [field('Search releases', search), field('Type', type), field('Sort by', sort), h('button', { type: 'submit' }, 'Search')],
    () => {
      go(current());
    },
  );
  type.addEventListener('change', () => go(current()));
  sort.addEventListener('change', () => go(current()));
  return {
    title: 'Releases — Song-Nexus',
    content: h(
      'section',
      { class: 'catalog' },
      h('h1', {}, state.tag ? `Releases tagged #${state.tag}` : 'Releases'),
      form,
      releaseGrid(list.releases, state.q || state.tag || state.type ? 'No releases match.' : 'The store has no releases yet.'),
      listingPager(list, 'release', (target) => go({ ...state, page: target.page ?? 1, after: target.after ?? '' })),
    ),
  };
};
