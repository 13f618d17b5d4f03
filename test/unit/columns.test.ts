import { camelColumns } from '../../db/columns';

describe('camelColumns', () => {
  it('aliases snake_case columns to their camelCase fields, table prefixes dropped from the alias', () => {
    expect(camelColumns('id, user_id, p.purchased_at')).toBe('id, user_id AS "userId", p.purchased_at AS "purchasedAt"');
  });

  it('keeps entries that name their own alias, and plain one-word columns, as written', () => {
    expect(camelColumns(`t.name AS "trackName", COALESCE(transports, '{}') AS transports, t.artist`)).toBe(
      `t.name AS "trackName", COALESCE(transports, '{}') AS transports, t.artist`,
    );
  });

  it('splits only at commas outside parentheses and quotes', () => {
    expect(camelColumns(`COALESCE(a, 'x, y') AS "label", to_char(r.release_date, 'YYYY-MM-DD') AS "releaseDate", r.is_published`)).toBe(
      `COALESCE(a, 'x, y') AS "label", to_char(r.release_date, 'YYYY-MM-DD') AS "releaseDate", r.is_published AS "isPublished"`,
    );
  });

  it('camel-cases every underscore, digits included', () => {
    expect(camelColumns('duration_played_seconds, sha_256_hash')).toBe(
      'duration_played_seconds AS "durationPlayedSeconds", sha_256_hash AS "sha256Hash"',
    );
  });
});
