import { releaseSql, type ReleaseQuery } from '../../db/repos/releases.repo';
import { useTestDatabase } from '../support/db';

jest.setTimeout(180_000);

const db = useTestDatabase();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/** The scans of `relations` in a statement's plan: none may be sequential. */
async function scans(statement: { text: string; values: unknown[] }, relations = ['releases', 'tracks']): Promise<string[]> {
  const { rows } = await db.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.values);
  return nodes(rows[0]!['QUERY PLAN'][0].Plan)
    .filter((n) => n['Relation Name'] !== undefined && relations.includes(n['Relation Name']))
    .map((n) => `${n['Relation Name']}:${n['Node Type']}`);
}

/**
 * Every store query over releases at 10,000 releases and 100,000 tracks
 * (ten a release, 90% of releases published, some deleted, 200 artists)
 * reads releases and tracks through indexes, and a release page is two
 * statements (the release with its counts, then its tracks).
 */
describe('release query plans at 10,000 releases and 100,000 tracks', () => {
  let artist: number;

  beforeAll(async () => {
    await db.pool.query(`
      INSERT INTO users (email, username, role, display_name)
      SELECT 'artist' || i || '@rplans.test', 'rplans_artist_' || i, 'artist', 'Artist ' || i FROM generate_series(1, 200) i`);
    artist = (await db.pool.query<{ id: number }>(`SELECT min(id) AS id FROM users WHERE email LIKE '%@rplans.test'`)).rows[0]!.id;
    await db.pool.query(
      `INSERT INTO releases (artist_user_id, title, release_type, release_date, price_eur, tags, search_text, play_count, is_published, is_deleted, created_at)
       SELECT $1 + i % 200, 'Release ' || i, (ARRAY['album', 'ep', 'single', 'compilation'])[i % 4 + 1], date '2000-01-01' + i,
              (i % 1500) / 100.0, ARRAY['tag' || (i % 50), 'mood' || (i % 7)],
              lower('release ' || i || ' artist ' || (i % 200 + 1) || ' tag' || (i % 50) || ' song ' || md5(i::text)),
              (i * 7919) % 100000, i % 10 <> 0, i % 97 = 0, now() - (i || ' minutes')::interval
       FROM generate_series(1, 10000) i`,
      [artist],
    );
    await db.pool.query(
      `INSERT INTO tracks (name, artist, artist_user_id, audio_filename, price_eur, play_count, is_published, release_id, track_number)
       SELECT 'Song ' || i || ' ' || md5(i::text), 'Artist ' || r.artist_user_id, r.artist_user_id, 'audio/' || md5(i::text) || '.mp3',
              0.99, (i * 31) % 1000, r.is_published, r.id, i % 10 + 1
       FROM generate_series(0, 99999) i JOIN releases r ON r.id = (SELECT min(id) FROM releases) + i / 10`,
    );
    await db.pool.query('VACUUM ANALYZE releases');
    await db.pool.query('VACUUM ANALYZE tracks');
  });

  const pages: [string, () => ReleaseQuery][] = [
    ['newest', () => ({ sort: 'newest' })],
    ['popular', () => ({ sort: 'popular' })],
    ['price', () => ({ sort: 'price' })],
    ['release date', () => ({ sort: 'release-date' })],
    ['search', () => ({ search: '3f2', sort: 'newest' })],
    ['tag', () => ({ tag: 'tag7', sort: 'newest' })],
    ['type', () => ({ type: 'ep', sort: 'release-date' })],
    ['artist', () => ({ artistUserId: artist + 7, sort: 'release-date' })],
    ['search by tag within a type', () => ({ search: 'tag3', type: 'album', sort: 'popular' })],
  ];

  it.each(pages)('%s: the page reads through indexes (and a filtered count too)', async (_label, build) => {
    const query = build();
    const { rows, count } = releaseSql.list(query, { limit: 24, offset: 0 });
    // Counting nine in ten rows of the table is cheapest as one sequential read: only filtered counts must use an index.
    const filtered = query.search !== undefined || query.tag !== undefined || query.type !== undefined || query.artistUserId !== undefined;
    for (const statement of filtered ? [rows, count] : [rows]) {
      const found = await scans(statement);
      expect(found.some((s) => s.startsWith('releases:'))).toBe(true);
      expect(found.filter((s) => s.endsWith(':Seq Scan'))).toEqual([]);
    }
  });

  it('a deep page (after a cursor) reads through an index in every sort', async () => {
    const after: Record<ReleaseQuery['sort'], string> = {
      newest: new Date(Date.now() - 86_400_000).toISOString(),
      popular: '500',
      price: '3.50',
      'release-date': '2020-01-01',
    };
    for (const [sort, value] of Object.entries(after)) {
      const statement = releaseSql.list({ sort: sort as ReleaseQuery['sort'] }, { limit: 24, offset: 0, after: { value, id: 5_000 } }).rows;
      const found = await scans(statement);
      expect({ sort, found }).toEqual({ sort, found: expect.arrayContaining([expect.stringMatching(/^releases:Index/)]) });
      expect(found.filter((s) => s.endsWith(':Seq Scan'))).toEqual([]);
      // Read in the index's order: nothing is sorted, so the page costs what the first costs.
      const { rows } = await db.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) ${statement.text}`,
        statement.values,
      );
      expect({ sort, types: nodes(rows[0]!['QUERY PLAN'][0].Plan).map((n) => n['Node Type']) }).toEqual({
        sort,
        types: expect.not.arrayContaining(['Sort', 'Incremental Sort']),
      });
    }
  });

  it('a release page is two indexed statements', async () => {
    const { rows } = await db.pool.query<{ id: number }>(
      'SELECT id FROM releases WHERE is_published AND NOT is_deleted ORDER BY id DESC LIMIT 1',
    );
    const id = rows[0]!.id;
    for (const statement of [releaseSql.one(id), releaseSql.tracks(id)]) {
      expect((await scans(statement)).filter((s) => s.endsWith(':Seq Scan'))).toEqual([]);
    }
    expect((await db.pool.query(releaseSql.tracks(id))).rows).toHaveLength(10);
  });
});
