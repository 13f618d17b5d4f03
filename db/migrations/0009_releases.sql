-- 0009: releases. An album, EP, single or compilation of ordered tracks,
-- sold as a whole; artist profiles with a public slug; per-track lyrics,
-- ISRC, credits, license and tags; order lines that pay for a release; and
-- purchases that name the release they came with.

CREATE TABLE artist_profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    slug VARCHAR(60) UNIQUE NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    bio TEXT CHECK (length(bio) <= 5000),
    location VARCHAR(100),
    avatar_filename VARCHAR(255) UNIQUE,
    avatar_mime VARCHAR(20),
    links TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(links) <= 10),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TRIGGER artist_profiles_set_updated_at BEFORE UPDATE ON artist_profiles
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE releases (
    id SERIAL PRIMARY KEY,
    artist_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    title VARCHAR(200) NOT NULL,
    release_type VARCHAR(20) NOT NULL DEFAULT 'album'
        CHECK (release_type IN ('album', 'ep', 'single', 'compilation')),
    description TEXT,
    credits TEXT,
    release_date DATE,
    publish_at TIMESTAMPTZ,
    is_published BOOLEAN NOT NULL DEFAULT false,
    published_at TIMESTAMPTZ,
    cover_filename VARCHAR(255) UNIQUE,
    cover_mime VARCHAR(20),
    catalogue_number VARCHAR(50),
    upc VARCHAR(13) CHECK (upc ~ '^[0-9]{12,13}$'),
    price_eur NUMERIC(10,2) NOT NULL DEFAULT 7.00 CHECK (price_eur >= 0),
    tags TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 10),
    search_text TEXT NOT NULL DEFAULT '',
    play_count INTEGER NOT NULL DEFAULT 0 CHECK (play_count >= 0),
    is_deleted BOOLEAN NOT NULL DEFAULT false,
    deleted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_releases_artist_user_id ON releases (artist_user_id, created_at DESC);
CREATE INDEX idx_releases_due ON releases (publish_at) WHERE NOT is_published AND NOT is_deleted AND publish_at IS NOT NULL;
CREATE INDEX idx_releases_newest ON releases (created_at DESC, id DESC) WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_release_date ON releases (release_date DESC NULLS LAST, id DESC) WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_price ON releases (price_eur, id) WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_popular ON releases (play_count DESC, id DESC) WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_type ON releases (release_type, release_date DESC NULLS LAST, id DESC) WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_search_trgm ON releases USING gin (search_text gin_trgm_ops) WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_tags ON releases USING gin (tags) WHERE is_published AND NOT is_deleted;
CREATE TRIGGER releases_set_updated_at BEFORE UPDATE ON releases
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE tracks ADD COLUMN release_id INTEGER REFERENCES releases(id) ON DELETE SET NULL;
ALTER TABLE tracks ADD COLUMN track_number SMALLINT CHECK (track_number > 0);
ALTER TABLE tracks ADD COLUMN disc_number SMALLINT NOT NULL DEFAULT 1 CHECK (disc_number > 0);
ALTER TABLE tracks ADD COLUMN lyrics TEXT CHECK (length(lyrics) <= 20000);
ALTER TABLE tracks ADD COLUMN isrc VARCHAR(12) CHECK (isrc ~ '^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$');
ALTER TABLE tracks ADD COLUMN credits TEXT;
ALTER TABLE tracks ADD COLUMN license VARCHAR(20) NOT NULL DEFAULT 'all-rights-reserved'
    CHECK (license IN ('all-rights-reserved', 'cc0', 'cc-by', 'cc-by-sa', 'cc-by-nd', 'cc-by-nc', 'cc-by-nc-sa', 'cc-by-nc-nd'));
ALTER TABLE tracks ADD COLUMN tags TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 10);
ALTER TABLE tracks ADD CONSTRAINT tracks_release_position_check CHECK ((release_id IS NULL) = (track_number IS NULL));
ALTER TABLE tracks ADD CONSTRAINT tracks_release_position_unique UNIQUE (release_id, disc_number, track_number)
    DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX idx_tracks_tags ON tracks USING gin (tags) WHERE is_published = true AND is_deleted = false;

-- A release's plays are its tracks' plays: each counted play of a member
-- track adds to its release, so "popular" sorts on an index.
CREATE FUNCTION releases_add_plays() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE releases SET play_count = play_count + (NEW.play_count - OLD.play_count) WHERE id = NEW.release_id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER tracks_add_release_plays AFTER UPDATE OF play_count ON tracks
    FOR EACH ROW WHEN (NEW.release_id IS NOT NULL AND NEW.play_count <> OLD.play_count)
    EXECUTE FUNCTION releases_add_plays();

ALTER TABLE order_items ALTER COLUMN track_id DROP NOT NULL;
ALTER TABLE order_items ADD COLUMN release_id INTEGER REFERENCES releases(id) ON DELETE RESTRICT;
ALTER TABLE order_items ADD CONSTRAINT order_items_one_thing_check CHECK (num_nonnulls(track_id, release_id) = 1);
ALTER TABLE order_items ADD CONSTRAINT order_items_order_id_release_id_key UNIQUE (order_id, release_id);
CREATE INDEX idx_order_items_release_id ON order_items (release_id) WHERE release_id IS NOT NULL;

ALTER TABLE purchases ADD COLUMN release_id INTEGER REFERENCES releases(id) ON DELETE SET NULL;

-- What each order line pays for, track by track: a track line its track, a
-- release line every track the release has now (so a track added later is
-- covered by the orders that bought the release).
CREATE VIEW order_item_tracks AS
    SELECT oi.order_id, oi.track_id, NULL::integer AS release_id FROM order_items oi WHERE oi.track_id IS NOT NULL
    UNION ALL
    SELECT oi.order_id, t.id, oi.release_id FROM order_items oi JOIN tracks t ON t.release_id = oi.release_id
    WHERE oi.release_id IS NOT NULL;
