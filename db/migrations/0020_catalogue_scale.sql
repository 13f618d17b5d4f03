-- 0020: the storefront at 100,000 tracks.
--
-- Keyset pagination: every public sort is a unique order (the id breaks
-- ties) read straight off an index, so page 2,000 costs what page 1 costs.
-- The newest and artist orders gain the id as a last column (the seed's
-- idx_tracks_published_created_optimized, created_at alone, stays under its
-- name); a genre page walks the newest order (one genre in twenty is a short
-- walk; a rare genre is few rows to sort). The release-date order sorts "no
-- date" last through an expression that the row comparison of a keyset page
-- can use (-infinity instead of NULL).
CREATE INDEX idx_tracks_newest ON tracks (created_at DESC, id DESC)
    WHERE is_published = true AND is_deleted = false;
DROP INDEX idx_tracks_artist_published;
CREATE INDEX idx_tracks_artist_published ON tracks (artist_user_id, created_at DESC, id DESC)
    WHERE is_published = true AND is_deleted = false;
DROP INDEX idx_releases_release_date;
CREATE INDEX idx_releases_release_date ON releases (COALESCE(release_date, '-infinity'::date) DESC, id DESC)
    WHERE is_published AND NOT is_deleted;
DROP INDEX idx_releases_type;
CREATE INDEX idx_releases_type ON releases (release_type, COALESCE(release_date, '-infinity'::date) DESC, id DESC)
    WHERE is_published AND NOT is_deleted;

-- Search: the planner cannot see how many tracks a search term matches in
-- "name artist" (an expression with no statistics of its own), so it guessed
-- ten and sorted every match of a common word (40 ms for 10,000 matches).
-- With statistics on the expression it walks the sort's index and filters
-- when a term is common, and reads the trigram index when it is rare.
CREATE STATISTICS tracks_search_stats ON ((name || ' ' || artist)) FROM tracks;
ANALYZE tracks;

-- The catalogue change feed: app servers keep anonymous listing responses
-- and per-filter counts in memory and forget them when anything a listing
-- shows changes, on any app server or from any script. Play counts are left
-- out on purpose (they change with every play): cached entries live a few
-- seconds, which bounds how old a shown play count can be.
CREATE FUNCTION notify_catalog_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('song_nexus_catalog', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER tracks_notify_catalog
    AFTER INSERT OR DELETE OR UPDATE OF name, artist, artist_user_id, genre, description, price_eur, duration_seconds,
        is_published, is_free, is_deleted, created_at, preview_filename, preview_seconds, cover_filename, release_id,
        track_number, disc_number, lyrics, isrc, credits, license, tags, price_model, suggested_price,
        commercial_price, commercial_terms, streaming_price, streaming_days ON tracks
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change();
CREATE TRIGGER releases_notify_catalog
    AFTER INSERT OR DELETE OR UPDATE OF artist_user_id, title, release_type, description, credits, release_date,
        is_published, published_at, cover_filename, catalogue_number, upc, price_eur, tags, search_text, is_deleted,
        created_at, price_model, suggested_price, commercial_price, commercial_terms, streaming_price,
        streaming_days ON releases
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change();
CREATE TRIGGER release_extras_notify_catalog AFTER INSERT OR UPDATE OR DELETE ON release_extras
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change();
CREATE TRIGGER artist_profiles_notify_catalog AFTER INSERT OR UPDATE OR DELETE ON artist_profiles
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change();
CREATE TRIGGER users_notify_catalog AFTER UPDATE OF display_name, role, is_active OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change();

-- Signs the opaque cursors of keyset pages, so a forged one is refused
-- before it reaches a query.
INSERT INTO server_secrets (name, secret)
VALUES ('listing_cursor', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
