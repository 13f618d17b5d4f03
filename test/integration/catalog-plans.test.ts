import { catalogSql, type CatalogFilter } from '../../db/repos/tracks-catalog.repo';
import type { PagePosition } from '../../db/keyset';
import { useTestDatabase } from '../support/db';

jest.setTimeout(120_000);

const db = useTestDatabase();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function plan(text: string, values: unknown[]): Promise<PlanNode[]> {
  const { rows } = await db.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${text}`, values);
  return nodes(rows[0]!['QUERY PLAN'][0].Plan);
}

/**
 * Every catalog query at 100,000 tracks (90% published, some deleted, 200
 * artists, 20 genres) reads tracks through an index, never a sequential scan.
 */
describe('catalog query plans at 100,000 tracks', () => {
  beforeAll(async () => {
    await db.pool.query(`
      INSERT INTO users (email, username, role, display_name)
      SELECT 'artist' || i || '@plans.test', 'plans_artist_' || i, 'artist', 'Artist ' || i FROM generate_series(1, 200) i`);
    await db.pool.query(`
      INSERT INTO tracks (name, artist, artist_user_id, genre, audio_filename, price_eur, play_count, is_published, is_deleted, created_at)
      SELECT 'Song ' || i || ' ' || md5(i::text),
             'Artist ' || (i % 200 + 1),
             (SELECT min(id) FROM users WHERE email LIKE '%@plans.test') + i % 200,
             'genre' || (i % 20),
             'audio/' || md5(i::text) || '.mp3',
             (i % 300) / 100.0,
             (i * 7919) % 10000,
             i % 10 <> 0,
             i % 50 = 0,
             now() - (i || ' minutes')::interval
      FROM generate_series(1, 100000) i`);
    await db.pool.query('VACUUM ANALYZE tracks');
  });

  const artistId = async () =>
    (await db.pool.query<{ id: number }>(`SELECT min(id) AS id FROM users WHERE email LIKE '%@plans.test'`)).rows[0]!.id + 7;

  const first: PagePosition = { limit: 24, offset: 0 };
  const yesterday = () => new Date(Date.now() - 86_400_000).toISOString();
  const pages: [string, (artist: number) => [CatalogFilter, PagePosition]][] = [
    ['newest', () => [{ sort: 'newest' }, first]],
    ['popular', () => [{ sort: 'popular' }, first]],
    ['price', () => [{ sort: 'price' }, first]],
    ['a page by number', () => [{ sort: 'newest' }, { limit: 100, offset: 5_000 }]],
    ['search', () => [{ search: '3f2', sort: 'newest' }, first]],
    ['genre', () => [{ genre: 'genre7', sort: 'newest' }, first]],
    ['artist page', (artist) => [{ artistUserId: artist, sort: 'newest' }, first]],
    ['search within a genre by popularity', () => [{ search: 'song 12', genre: 'genre3', sort: 'popular' }, first]],
  ];

  it.each(pages)('%s uses an index on tracks', async (_label, build) => {
    const [filter, position] = build(await artistId());
    const { text, values } = catalogSql(filter, position);
    const planNodes = await plan(text, values);
    const onTracks = planNodes.filter((n) => n['Relation Name'] === 'tracks');
    expect(onTracks.length).toBeGreaterThan(0);
    expect(onTracks.map((n) => n['Node Type'])).not.toContain('Seq Scan');
  });

  // A keyset page deep in each order is read off its index in order: no scan, no sort of the rest.
  const deep: [string, (artist: number) => CatalogFilter, string][] = [
    ['newest', () => ({ sort: 'newest' }), yesterday()],
    ['popular', () => ({ sort: 'popular' }), '5000'],
    ['price', () => ({ sort: 'price' }), '1.50'],
    ['an artist', (artist) => ({ artistUserId: artist, sort: 'newest' }), yesterday()],
  ];

  it.each(deep)('a deep keyset page of %s reads its index in order', async (_label, build, value) => {
    const { text, values } = catalogSql(build(await artistId()), { limit: 24, offset: 0, after: { value, id: 50_000 } });
    const types = (await plan(text, values)).map((n) => n['Node Type']);
    expect(types).toEqual(expect.arrayContaining([expect.stringMatching(/^Index/)]));
    expect(types).toEqual(expect.not.arrayContaining(['Seq Scan', 'Sort', 'Incremental Sort', 'Bitmap Heap Scan']));
  });

  it('a search for a common word walks the sort’s index instead of sorting every match', async () => {
    // "song 1…" is in one title in nine. Without statistics on the searched expression the
    // planner guessed ten matches and sorted them all (40 ms for 10,000 at this size).
    const { text, values } = catalogSql({ search: 'song 1', sort: 'newest' }, { limit: 24, offset: 0 });
    const types = (await plan(text, values)).map((n) => n['Node Type']);
    expect(types).toEqual(expect.arrayContaining([expect.stringMatching(/^Index/)]));
    expect(types).toEqual(expect.not.arrayContaining(['Bitmap Heap Scan', 'Sort', 'Seq Scan']));
  });

  it('the genre list and the catalog count use indexes too', async () => {
    for (const sql of [
      `SELECT genre, count(*)::int AS tracks FROM tracks WHERE is_published = true AND is_deleted = false AND genre IS NOT NULL GROUP BY genre ORDER BY genre`,
      `SELECT count(*)::int AS n FROM tracks WHERE is_published = true AND is_deleted = false AND (name || ' ' || artist) ILIKE '%3f2%'`,
    ]) {
      const types = (await plan(sql, [])).filter((n) => n['Relation Name'] === 'tracks').map((n) => n['Node Type']);
      expect({ sql, types }).toEqual({ sql, types: expect.not.arrayContaining(['Seq Scan']) });
    }
  });
});
