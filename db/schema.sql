-- Song-Nexus database schema: the source of truth.
--
-- It starts from the ten tables of the product's database (users, tracks,
-- orders, purchases, play_history, play_stats, webauthn_credentials,
-- magic_links, magic_link_tokens, design_system) with their columns, foreign
-- keys, ON DELETE rules, unique and check constraints and indexes under their
-- original names. Every departure is commented where it is made.
--
-- The migrations in db/migrations/ must build exactly this schema from an
-- empty database; test/integration/migrations.test.ts compares the two
-- catalogs, so change both together.
--
-- Departures that apply throughout:
-- * Timestamps are TIMESTAMPTZ, not TIMESTAMP: the app servers, cron and
--   PostgreSQL may run in different time zones, and a wall-clock time without
--   a zone is ambiguous for expiries.
-- * Booleans and counters that have a default are also NOT NULL: a third
--   "unknown" state has no meaning for them.
-- * updated_at is maintained by a trigger (set_updated_at) instead of trusting
--   every UPDATE statement to remember it.

-- Trigram matching for catalog search (title and artist).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

-- 1. users ------------------------------------------------------------------
CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    email VARCHAR(255) UNIQUE NOT NULL,
    username VARCHAR(50) UNIQUE NOT NULL,
    -- Departure: nullable. Sign-in is by magic link or passkey; there are no
    -- passwords. The column stays for compatibility with existing dumps.
    password_hash VARCHAR(255),
    -- Departure: 'artist' is a role of its own (uploads and sales).
    role VARCHAR(20) NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'artist', 'admin')),
    is_active BOOLEAN NOT NULL DEFAULT true,
    -- Deprecated in the original design; credentials live in webauthn_credentials.
    webauthn_credential JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Departure: the public name an artist signs up with.
    display_name VARCHAR(100),
    -- Departure: the WebAuthn user handle, 32 random bytes in base64url, made
    -- at the first passkey registration. Random so it reveals nothing.
    webauthn_user_id VARCHAR(64) UNIQUE,
    -- Departure (0015): an admin's override of PLATFORM_FEE_PERCENT for this
    -- artist, in basis points (1000 = 10 %).
    platform_fee_bp INTEGER CHECK (platform_fee_bp BETWEEN 0 AND 10000),
    -- Departure (0016): how an artist hears of sales — a mail for each
    -- order, a daily digest, or none.
    sale_mail VARCHAR(10) NOT NULL DEFAULT 'each' CHECK (sale_mail IN ('each', 'daily', 'off')),
    -- Departure (0023): when the account was erased; the row stays for the
    -- orders, ledger and audit rows that point at it, with nothing personal left.
    erased_at TIMESTAMPTZ
);

CREATE INDEX idx_users_email ON users (email);
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- artist_profiles and releases (new tables, 0009) -------------------------
-- Departure: an artist's public profile (display name stays on users): a
-- stable URL slug for /artists/<slug>, bio, location, avatar (a storage key,
-- never shown) and up to 10 https links.
-- Departure: releases — albums, EPs, singles and compilations of ordered
-- tracks, sold as a whole at price_eur. publish_at schedules publication (a
-- job sets is_published and published_at once it is due); search_text is
-- title, artist, tags and the track titles, lower case, kept by the service
-- for trigram search; tags are normalised (lower case, trimmed) by the service;
-- play_count is the sum of its tracks' (kept by a trigger on tracks).
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
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Departure (0010): the price model and license offers. price_eur is the
    -- asking price in the store currency (the fixed price, a name-your-price
    -- minimum, or 0 when free); suggested_price is pre-filled for
    -- name-your-price; a commercial license and a streaming pass (N days) are
    -- offered when priced.
    price_model VARCHAR(20) NOT NULL DEFAULT 'fixed'
        CHECK (price_model IN ('fixed', 'name_your_price', 'free')),
    suggested_price NUMERIC(10,2),
    commercial_price NUMERIC(10,2) CHECK (commercial_price > 0),
    commercial_terms TEXT CHECK (length(commercial_terms) <= 10000),
    streaming_price NUMERIC(10,2) CHECK (streaming_price > 0),
    streaming_days SMALLINT CHECK (streaming_days BETWEEN 1 AND 365),
    CONSTRAINT releases_suggested_price_check
        CHECK (suggested_price IS NULL OR (price_model = 'name_your_price' AND suggested_price >= price_eur)),
    CONSTRAINT releases_streaming_offer_check CHECK ((streaming_price IS NULL) = (streaming_days IS NULL))
);

CREATE INDEX idx_releases_artist_user_id ON releases (artist_user_id, created_at DESC);
CREATE INDEX idx_releases_due ON releases (publish_at) WHERE NOT is_published AND NOT is_deleted AND publish_at IS NOT NULL;
CREATE INDEX idx_releases_newest ON releases (created_at DESC, id DESC) WHERE is_published AND NOT is_deleted;
-- (0020) release dates sort "no date" last through -infinity, which a keyset page's row comparison can use.
CREATE INDEX idx_releases_release_date ON releases (COALESCE(release_date, '-infinity'::date) DESC, id DESC)
    WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_price ON releases (price_eur, id) WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_popular ON releases (play_count DESC, id DESC) WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_type ON releases (release_type, COALESCE(release_date, '-infinity'::date) DESC, id DESC)
    WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_search_trgm ON releases USING gin (search_text gin_trgm_ops) WHERE is_published AND NOT is_deleted;
CREATE INDEX idx_releases_tags ON releases USING gin (tags) WHERE is_published AND NOT is_deleted;
CREATE TRIGGER releases_set_updated_at BEFORE UPDATE ON releases
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- 2. tracks -----------------------------------------------------------------
CREATE TABLE tracks (
    id SERIAL PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    artist VARCHAR(100) NOT NULL,
    -- Departure: the artist account that owns the track and may edit it.
    -- SET NULL keeps the track (and its buyers' access) if the account goes.
    artist_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    genre VARCHAR(50),
    description TEXT,
    -- A random storage key chosen by the server, never a client-supplied path.
    audio_filename VARCHAR(255) UNIQUE NOT NULL,
    -- The price the store charges. Departure: never negative.
    price_eur NUMERIC(10,2) NOT NULL DEFAULT 0.99 CHECK (price_eur >= 0),
    duration_seconds INTEGER CHECK (duration_seconds >= 0),
    file_size_bytes BIGINT CHECK (file_size_bytes >= 0),
    play_count INTEGER NOT NULL DEFAULT 0 CHECK (play_count >= 0),
    is_published BOOLEAN NOT NULL DEFAULT false,
    is_free BOOLEAN NOT NULL DEFAULT false,
    -- Departure: `price` duplicates price_eur in the original design. It is
    -- kept for compatibility and mirrored from price_eur by a trigger, so the
    -- two can never disagree; code reads and writes price_eur only.
    price NUMERIC(10,2) NOT NULL DEFAULT 0.99,
    -- Seconds; 0 means no preview.
    free_preview_duration INTEGER NOT NULL DEFAULT 40 CHECK (free_preview_duration >= 0),
    is_deleted BOOLEAN NOT NULL DEFAULT false,
    deleted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Departure: what the upload's probe found. Duration and size above come
    -- from the probe as well, never from the client.
    audio_sha256 CHAR(64) CHECK (audio_sha256 ~ '^[0-9a-f]{64}$'),
    audio_mime VARCHAR(50),
    -- (0012: AIFF, AAC and ALAC as well.)
    audio_format VARCHAR(20),
    codec VARCHAR(50),
    bitrate INTEGER CHECK (bitrate >= 0),
    sample_rate INTEGER CHECK (sample_rate > 0),
    channels SMALLINT CHECK (channels > 0),
    -- Departure: the preview clip (a real file cut at upload time) and its
    -- exact length in seconds, and the cover art. Storage keys, never shown.
    preview_filename VARCHAR(255) UNIQUE,
    preview_seconds NUMERIC(9,3) CHECK (preview_seconds >= 0),
    preview_size_bytes BIGINT CHECK (preview_size_bytes >= 0),
    cover_filename VARCHAR(255) UNIQUE,
    cover_mime VARCHAR(20),
    -- Departure (0009): the release a track belongs to (at most one), its
    -- place there, and what a release page shows per track: lyrics, ISRC
    -- (12 characters, no hyphens), credits, a license code and up to 10
    -- normalised tags beside the primary genre. Positions are unique within a
    -- release, checked at commit so one statement can reorder a whole release.
    release_id INTEGER REFERENCES releases(id) ON DELETE SET NULL,
    track_number SMALLINT CHECK (track_number > 0),
    disc_number SMALLINT NOT NULL DEFAULT 1 CHECK (disc_number > 0),
    lyrics TEXT CHECK (length(lyrics) <= 20000),
    isrc VARCHAR(12) CHECK (isrc ~ '^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$'),
    credits TEXT,
    license VARCHAR(20) NOT NULL DEFAULT 'all-rights-reserved'
        CHECK (license IN ('all-rights-reserved', 'cc0', 'cc-by', 'cc-by-sa', 'cc-by-nd', 'cc-by-nc', 'cc-by-nc-sa', 'cc-by-nc-nd')),
    tags TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 10),
    CONSTRAINT tracks_release_position_check CHECK ((release_id IS NULL) = (track_number IS NULL)),
    CONSTRAINT tracks_release_position_unique UNIQUE (release_id, disc_number, track_number)
        DEFERRABLE INITIALLY DEFERRED,
    -- Departure (0010): the price model and license offers. price_eur is the
    -- asking price in the store currency (the fixed price, a name-your-price
    -- minimum, or 0 when free); suggested_price is pre-filled for
    -- name-your-price; a commercial license and a streaming pass (N days) are
    -- offered when priced.
    price_model VARCHAR(20) NOT NULL DEFAULT 'fixed'
        CHECK (price_model IN ('fixed', 'name_your_price', 'free')),
    suggested_price NUMERIC(10,2),
    commercial_price NUMERIC(10,2) CHECK (commercial_price > 0),
    commercial_terms TEXT CHECK (length(commercial_terms) <= 10000),
    streaming_price NUMERIC(10,2) CHECK (streaming_price > 0),
    streaming_days SMALLINT CHECK (streaming_days BETWEEN 1 AND 365),
    CONSTRAINT tracks_suggested_price_check
        CHECK (suggested_price IS NULL OR (price_model = 'name_your_price' AND suggested_price >= price_eur)),
    CONSTRAINT tracks_streaming_offer_check CHECK ((streaming_price IS NULL) = (streaming_days IS NULL)),
    CONSTRAINT tracks_audio_format_check
        CHECK (audio_format IN ('mp3', 'flac', 'ogg-vorbis', 'ogg-opus', 'wav', 'aiff', 'aac', 'alac')),
    -- Departure (0012): the preview clip's own type when it differs from the
    -- master's (an ALAC or AIFF master's clip is FLAC); null: the master's.
    preview_mime VARCHAR(50)
);

CREATE INDEX idx_tracks_published_created_optimized ON tracks (created_at DESC)
    WHERE is_published = true AND is_deleted = false;
-- Departure (0020): the newest order ends in the id, so keyset pages are a unique
-- order read off the index.
CREATE INDEX idx_tracks_newest ON tracks (created_at DESC, id DESC)
    WHERE is_published = true AND is_deleted = false;
CREATE INDEX idx_tracks_published_created ON tracks (is_published, created_at DESC);
CREATE INDEX idx_tracks_published_deleted_created ON tracks (is_published, is_deleted, created_at DESC);
CREATE INDEX idx_tracks_audio_filename ON tracks (audio_filename) WHERE is_deleted = false;
CREATE INDEX idx_tracks_genre ON tracks (genre);
CREATE INDEX idx_tracks_is_deleted ON tracks (is_deleted) WHERE is_deleted = true;
-- Departure: an artist's own tracks are listed by owner.
CREATE INDEX idx_tracks_artist_user_id ON tracks (artist_user_id);
-- Departure: catalog search, popularity and price sorting, and artist pages
-- stay on indexes at 100,000 tracks (test/integration/catalog-plans.test.ts).
CREATE INDEX idx_tracks_search_trgm ON tracks USING gin ((name || ' ' || artist) gin_trgm_ops)
    WHERE is_published = true AND is_deleted = false;
-- (0020) statistics on the searched expression: the planner then knows how
-- many tracks a term matches, and walks the sort's index for a common one.
CREATE STATISTICS tracks_search_stats ON ((name || ' ' || artist)) FROM tracks;
CREATE INDEX idx_tracks_popular ON tracks (play_count DESC, id DESC)
    WHERE is_published = true AND is_deleted = false;
CREATE INDEX idx_tracks_price ON tracks (price_eur, id)
    WHERE is_published = true AND is_deleted = false;
-- (0020) artist pages end in the id too, for keyset pages.
CREATE INDEX idx_tracks_artist_published ON tracks (artist_user_id, created_at DESC, id DESC)
    WHERE is_published = true AND is_deleted = false;
CREATE INDEX idx_tracks_genre_published ON tracks (genre)
    WHERE is_published = true AND is_deleted = false;
CREATE INDEX idx_tracks_tags ON tracks USING gin (tags) WHERE is_published = true AND is_deleted = false;

CREATE FUNCTION tracks_mirror_price() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.price := NEW.price_eur;
  RETURN NEW;
END;
$$;
CREATE TRIGGER tracks_mirror_price BEFORE INSERT OR UPDATE ON tracks
    FOR EACH ROW EXECUTE FUNCTION tracks_mirror_price();
-- Departure (0010): the seed's is_free and the price model say one thing: is_free follows the
-- model; a write that sets only is_free (older clients) sets the model.
CREATE FUNCTION tracks_mirror_free() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.is_free THEN NEW.price_model := 'free'; END IF;
  ELSIF NEW.is_free IS DISTINCT FROM OLD.is_free AND NEW.price_model IS NOT DISTINCT FROM OLD.price_model THEN
    NEW.price_model := CASE WHEN NEW.is_free THEN 'free' ELSE 'fixed' END;
  END IF;
  NEW.is_free := NEW.price_model = 'free';
  RETURN NEW;
END;
$$;
CREATE TRIGGER tracks_mirror_free BEFORE INSERT OR UPDATE ON tracks
    FOR EACH ROW EXECUTE FUNCTION tracks_mirror_free();
CREATE TRIGGER tracks_set_updated_at BEFORE UPDATE ON tracks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Departure (0009): a release's plays are its tracks' plays: each counted play of a member
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

-- 3. orders -----------------------------------------------------------------
CREATE TABLE orders (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    paypal_order_id VARCHAR(255) UNIQUE NOT NULL,
    -- Departure: never negative; currency is an ISO 4217 code.
    amount NUMERIC(10,2) NOT NULL CHECK (amount >= 0),
    currency VARCHAR(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    description TEXT,
    -- Departure: REFUNDED — a refund or reversal took back what COMPLETED
    -- granted; the order's purchases are revoked with it.
    status VARCHAR(20) NOT NULL DEFAULT 'CREATED'
        CHECK (status IN ('CREATED', 'COMPLETED', 'FAILED', 'PENDING', 'REFUNDED')),
    paypal_payer_email VARCHAR(255),
    -- The PayPal capture id once captured (what a refund refers to).
    transaction_id VARCHAR(255),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Departures for checkout: the invoice id PayPal keeps unique per payment,
    -- the buyer's approve link (to come back after a decline), the capture
    -- attempt (a new PayPal-Request-Id after each decline, the same one for
    -- every retry of an attempt), when it was refunded, and why it failed.
    invoice_id VARCHAR(127) UNIQUE NOT NULL DEFAULT gen_random_uuid()::text,
    approve_url TEXT,
    capture_attempt INTEGER NOT NULL DEFAULT 0 CHECK (capture_attempt >= 0),
    refunded_at TIMESTAMPTZ,
    failure_reason VARCHAR(40),
    -- Departure (0010): a gift order pays for someone else, who gets a claim
    -- link at this address.
    gift_email VARCHAR(255),
    gift_message VARCHAR(500),
    -- Departure (0015): the payer's country PayPal told at capture (or the
    -- store's, when it did not): the VAT country of the sale.
    buyer_country CHAR(2) CHECK (buyer_country ~ '^[A-Z]{2}$')
);

CREATE INDEX idx_orders_user_id ON orders (user_id);
-- Departures: admins list orders newest first; webhooks find orders by capture
-- id; reconciliation reads the stale open ones.
CREATE INDEX idx_orders_created_at ON orders (created_at DESC);
CREATE INDEX idx_orders_transaction_id ON orders (transaction_id);
CREATE INDEX idx_orders_open ON orders (updated_at) WHERE status IN ('CREATED', 'PENDING');
CREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Departure (0010): discount codes: an artist's (for their items, all or chosen) or the
-- store's (artist_user_id NULL, made by an admin). Codes are one namespace,
-- stored upper-case, matched case-insensitively.
CREATE TABLE discount_codes (
    id SERIAL PRIMARY KEY,
    code VARCHAR(40) UNIQUE NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{2,39}$'),
    artist_user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    percent_off SMALLINT CHECK (percent_off BETWEEN 1 AND 100),
    amount_off NUMERIC(10,2) CHECK (amount_off > 0),
    starts_at TIMESTAMPTZ,
    ends_at TIMESTAMPTZ,
    max_redemptions INTEGER CHECK (max_redemptions > 0),
    -- Completed orders that used it.
    redemption_count INTEGER NOT NULL DEFAULT 0 CHECK (redemption_count >= 0),
    disabled_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT discount_codes_one_kind_check CHECK (num_nonnulls(percent_off, amount_off) = 1),
    CONSTRAINT discount_codes_period_check CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX idx_discount_codes_artist ON discount_codes (artist_user_id, created_at DESC);

-- The chosen items of a code; a code with none applies to all its artist's items (or the whole store).
CREATE TABLE discount_code_items (
    code_id INTEGER NOT NULL REFERENCES discount_codes(id) ON DELETE CASCADE,
    track_id INTEGER REFERENCES tracks(id) ON DELETE CASCADE,
    release_id INTEGER REFERENCES releases(id) ON DELETE CASCADE,
    CONSTRAINT discount_code_items_one_thing_check CHECK (num_nonnulls(track_id, release_id) = 1),
    UNIQUE (code_id, track_id),
    UNIQUE (code_id, release_id)
);

-- One use of a code by one order: reserved when the order is created (so
-- concurrent checkouts cannot exceed the maximum), redeemed when it
-- completes, released when it fails. Once per buyer: one live use each.
CREATE TABLE discount_redemptions (
    id SERIAL PRIMARY KEY,
    code_id INTEGER NOT NULL REFERENCES discount_codes(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    order_id INTEGER UNIQUE NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    status VARCHAR(10) NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'redeemed', 'released')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    redeemed_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_discount_redemptions_once ON discount_redemptions (code_id, user_id) WHERE status <> 'released';

-- Departure (0010): download codes: single-use codes that grant a release or track without
-- money — a batch an artist hands out, or the claim of a gift (order_id:
-- the order that paid for it; recipient_email: where the claim link went).
-- Only the SHA-256 of a code finds it; code_sealed is the code encrypted
-- with the server's key, so its artist can export the batch again.
CREATE TABLE download_codes (
    id SERIAL PRIMARY KEY,
    code_hash BYTEA UNIQUE NOT NULL CHECK (octet_length(code_hash) = 32),
    code_sealed BYTEA NOT NULL,
    artist_user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    track_id INTEGER REFERENCES tracks(id) ON DELETE CASCADE,
    release_id INTEGER REFERENCES releases(id) ON DELETE CASCADE,
    order_id INTEGER REFERENCES orders(id) ON DELETE CASCADE,
    recipient_email VARCHAR(255),
    gift_message VARCHAR(500),
    redeemed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    redeemed_at TIMESTAMPTZ,
    disabled_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT download_codes_one_thing_check CHECK (num_nonnulls(track_id, release_id) = 1),
    CONSTRAINT download_codes_redeemed_check CHECK ((redeemed_at IS NULL) = (redeemed_by IS NULL)),
    CONSTRAINT download_codes_gift_check CHECK ((order_id IS NULL) = (recipient_email IS NULL))
);
CREATE INDEX idx_download_codes_release ON download_codes (release_id, created_at) WHERE release_id IS NOT NULL;
CREATE INDEX idx_download_codes_track ON download_codes (track_id, created_at) WHERE track_id IS NOT NULL;
CREATE INDEX idx_download_codes_order ON download_codes (order_id) WHERE order_id IS NOT NULL;

-- Departure (new table): what an order pays for — a track or (0009) a whole
-- release, exactly one of the two — each at the price read from the database
-- when the order was created. An order's amount is their sum.
-- RESTRICT: tracks and releases are soft-deleted, and a paid line must never vanish.
CREATE TABLE order_items (
    id SERIAL PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    track_id INTEGER REFERENCES tracks(id) ON DELETE RESTRICT,
    price NUMERIC(10,2) NOT NULL CHECK (price >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    release_id INTEGER REFERENCES releases(id) ON DELETE RESTRICT,
    UNIQUE (order_id, track_id),
    CONSTRAINT order_items_one_thing_check CHECK (num_nonnulls(track_id, release_id) = 1),
    CONSTRAINT order_items_order_id_release_id_key UNIQUE (order_id, release_id),
    -- Departure (0010): what the line chose: its license (and a streaming
    -- pass's days), the least it could cost (fixed price or minimum, for that
    -- license), what a discount code took off, and what the buyer paid above.
    -- price = minimum_price - discount_amount + extra_amount, exactly.
    license_type VARCHAR(20) NOT NULL DEFAULT 'personal'
        CHECK (license_type IN ('personal', 'commercial', 'streaming')),
    streaming_days SMALLINT CHECK (streaming_days BETWEEN 1 AND 365),
    minimum_price NUMERIC(10,2) NOT NULL,
    discount_amount NUMERIC(10,2) NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
    extra_amount NUMERIC(10,2) NOT NULL DEFAULT 0 CHECK (extra_amount >= 0),
    discount_code_id INTEGER REFERENCES discount_codes(id) ON DELETE RESTRICT,
    -- A commercial license's terms as the artist wrote them when it was bought.
    license_terms TEXT,
    CONSTRAINT order_items_price_parts_check
        CHECK (price = minimum_price - discount_amount + extra_amount AND discount_amount <= minimum_price),
    CONSTRAINT order_items_streaming_license_check CHECK ((license_type = 'streaming') = (streaming_days IS NOT NULL))
);

CREATE INDEX idx_order_items_track_id ON order_items (track_id);
CREATE INDEX idx_order_items_release_id ON order_items (release_id) WHERE release_id IS NOT NULL;

-- Departure (0009): what each order line pays for, track by track: a track
-- line its track, a release line every track the release has now (so a track
-- added later is covered by the orders that bought the release).
-- (0010) with each line's license and a streaming pass's days.
CREATE VIEW order_item_tracks AS
    SELECT oi.order_id, oi.track_id, NULL::integer AS release_id, oi.license_type, oi.streaming_days
    FROM order_items oi WHERE oi.track_id IS NOT NULL
    UNION ALL
    SELECT oi.order_id, t.id, oi.release_id, oi.license_type, oi.streaming_days
    FROM order_items oi JOIN tracks t ON t.release_id = oi.release_id
    WHERE oi.release_id IS NOT NULL;

-- 4. purchases --------------------------------------------------------------
CREATE TABLE purchases (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    order_id INTEGER REFERENCES orders(id) ON DELETE SET NULL,
    license_type VARCHAR(50) NOT NULL DEFAULT 'personal'
        CHECK (license_type IN ('personal', 'commercial', 'streaming')),
    purchased_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMPTZ,
    -- Departure: a refund or reversal revokes what it paid for; a revoked
    -- purchase no longer entitles its user to the full track.
    revoked_at TIMESTAMPTZ,
    -- Departure (0009): the release whose purchase granted this track, if any.
    release_id INTEGER REFERENCES releases(id) ON DELETE SET NULL,
    UNIQUE (user_id, track_id),
    -- Departure (0010): the download code or gift claim that granted it; a
    -- purchase with neither an order nor a code was free.
    download_code_id INTEGER REFERENCES download_codes(id) ON DELETE SET NULL
);

CREATE INDEX idx_purchases_user_id ON purchases (user_id);
-- Departure: a refund revokes the purchases of one order.
CREATE INDEX idx_purchases_order_id ON purchases (order_id);
-- Departure: per-track purchase counts and revenue for artists' statistics.
CREATE INDEX idx_purchases_track_id ON purchases (track_id);
CREATE INDEX idx_purchases_download_code ON purchases (download_code_id) WHERE download_code_id IS NOT NULL;

-- Departure (0011, new table): renditions — a track's master transcoded into
-- a download format, made once on first request by a job and reused after.
-- `recipe` digests the master's checksum, the tags written and the encoder
-- settings: a new master, new metadata or a new recipe is a new rendition.
CREATE TABLE renditions (
    id SERIAL PRIMARY KEY,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    format VARCHAR(20) NOT NULL CHECK (format ~ '^[a-z0-9_]{2,20}$'),
    recipe CHAR(32) NOT NULL CHECK (recipe ~ '^[0-9a-f]{32}$'),
    storage_key VARCHAR(255) UNIQUE NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (track_id, format, recipe)
);

-- Departure (0012, new table): a track's waveform — the loudest sample of
-- each of `bins` equal stretches of the master, 0–255 of full scale —
-- computed once per master (`master` is its checksum).
CREATE TABLE waveforms (
    track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
    master VARCHAR(64) NOT NULL,
    peaks BYTEA NOT NULL CHECK (length(peaks) BETWEEN 1 AND 4000),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Departure (0013, new table): release extras — files an artist attaches to
-- a release (a PDF booklet, images), checked by their bytes, put into every
-- ZIP of the release by name.
CREATE TABLE release_extras (
    id SERIAL PRIMARY KEY,
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    name VARCHAR(120) NOT NULL CHECK (length(name) > 0),
    storage_key VARCHAR(255) UNIQUE NOT NULL,
    mime VARCHAR(50) NOT NULL CHECK (mime IN ('application/pdf', 'image/png', 'image/jpeg', 'image/webp')),
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (release_id, name)
);

-- Departure (0013, new table): a release's ZIP in one format, built once by
-- a job and served after (with ranges). `digest` covers every entry's name
-- and stored file, so any change to the release is a new ZIP.
CREATE TABLE release_zips (
    id SERIAL PRIMARY KEY,
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    format VARCHAR(20) NOT NULL CHECK (format ~ '^[a-z0-9_]{2,20}$'),
    digest CHAR(32) NOT NULL CHECK (digest ~ '^[0-9a-f]{32}$'),
    storage_key VARCHAR(255) UNIQUE NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (release_id, format, digest)
);

-- Departure (0014, new table): heartbeats of long jobs (transcodes). A lease
-- not renewed for three beats belongs to a worker that is gone: its job is
-- failed back into the queue to run again at once.
CREATE TABLE job_leases (
    job_id UUID PRIMARY KEY,
    queue VARCHAR(50) NOT NULL,
    worker VARCHAR(120) NOT NULL,
    beat_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_job_leases_beat ON job_leases (beat_at);

-- Departure (0015, new table): the ledger — append-only (a trigger refuses
-- UPDATE and DELETE), standing alone (no foreign keys: a financial record
-- outlives the rows it came from). One entry per sold order line and one
-- negating entry per refunded line; amounts in minor units, and each entry's
-- parts add up to its gross.
CREATE TABLE ledger_entries (
    id BIGSERIAL PRIMARY KEY,
    entry_kind VARCHAR(10) NOT NULL CHECK (entry_kind IN ('sale', 'refund')),
    order_id INTEGER NOT NULL,
    order_item_id INTEGER NOT NULL,
    artist_user_id INTEGER,
    item_kind VARCHAR(10) NOT NULL CHECK (item_kind IN ('track', 'release')),
    item_id INTEGER NOT NULL,
    item_title VARCHAR(255) NOT NULL,
    license_type VARCHAR(20) NOT NULL,
    currency CHAR(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Amounts in the currency's minor units; a refund's are negative.
    gross_minor BIGINT NOT NULL,
    tax_minor BIGINT NOT NULL,
    paypal_fee_minor BIGINT NOT NULL,
    platform_fee_minor BIGINT NOT NULL,
    artist_net_minor BIGINT NOT NULL,
    -- What the line was priced at (positive in both kinds): its minimum, a code's discount, the buyer's extra.
    minimum_minor BIGINT NOT NULL,
    discount_minor BIGINT NOT NULL,
    extra_minor BIGINT NOT NULL,
    discount_code VARCHAR(40),
    tax_country CHAR(2) CHECK (tax_country ~ '^[A-Z]{2}$'),
    tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    buyer_country CHAR(2) CHECK (buyer_country ~ '^[A-Z]{2}$'),
    -- PayPal's capture id (a sale) or refund id (a refund).
    paypal_transaction_id VARCHAR(64),
    occurred_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT ledger_entries_parts_check
        CHECK (gross_minor = tax_minor + paypal_fee_minor + platform_fee_minor + artist_net_minor),
    CONSTRAINT ledger_entries_once UNIQUE (order_item_id, entry_kind)
);
CREATE INDEX idx_ledger_entries_artist ON ledger_entries (artist_user_id, occurred_at);
CREATE INDEX idx_ledger_entries_order ON ledger_entries (order_id);
CREATE INDEX idx_ledger_entries_occurred ON ledger_entries (occurred_at);

CREATE FUNCTION ledger_entries_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are never changed or removed (append a negating entry)'
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- Departure (0015, new table): VAT rates for electronically supplied
-- services by the buyer's country, each from its date (rows are added, never
-- changed); seeded with the EU standard rates of 2025.
CREATE TABLE tax_rates (
    id SERIAL PRIMARY KEY,
    country CHAR(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    valid_from DATE NOT NULL,
    note VARCHAR(200),
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (country, valid_from)
);

-- The EU member states' standard rates, as published by the European
-- Commission for 2025 (with the changes of that year on their dates).
-- Admins add rows when a rate changes.
INSERT INTO tax_rates (country, rate_bp, valid_from, note) VALUES
    ('AT', 2000, '2025-01-01', 'EU standard rate'), ('BE', 2100, '2025-01-01', 'EU standard rate'),
    ('BG', 2000, '2025-01-01', 'EU standard rate'), ('HR', 2500, '2025-01-01', 'EU standard rate'),
    ('CY', 1900, '2025-01-01', 'EU standard rate'), ('CZ', 2100, '2025-01-01', 'EU standard rate'),
    ('DK', 2500, '2025-01-01', 'EU standard rate'), ('EE', 2200, '2025-01-01', 'EU standard rate'),
    ('EE', 2400, '2025-07-01', 'EU standard rate'), ('FI', 2550, '2025-01-01', 'EU standard rate'),
    ('FR', 2000, '2025-01-01', 'EU standard rate'), ('DE', 1900, '2025-01-01', 'EU standard rate'),
    ('GR', 2400, '2025-01-01', 'EU standard rate'), ('HU', 2700, '2025-01-01', 'EU standard rate'),
    ('IE', 2300, '2025-01-01', 'EU standard rate'), ('IT', 2200, '2025-01-01', 'EU standard rate'),
    ('LV', 2100, '2025-01-01', 'EU standard rate'), ('LT', 2100, '2025-01-01', 'EU standard rate'),
    ('LU', 1700, '2025-01-01', 'EU standard rate'), ('MT', 1800, '2025-01-01', 'EU standard rate'),
    ('NL', 2100, '2025-01-01', 'EU standard rate'), ('PL', 2300, '2025-01-01', 'EU standard rate'),
    ('PT', 2300, '2025-01-01', 'EU standard rate'), ('RO', 1900, '2025-01-01', 'EU standard rate'),
    ('RO', 2100, '2025-08-01', 'EU standard rate'), ('SK', 2300, '2025-01-01', 'EU standard rate'),
    ('SI', 2200, '2025-01-01', 'EU standard rate'), ('ES', 2100, '2025-01-01', 'EU standard rate'),
    ('SE', 2500, '2025-01-01', 'EU standard rate');

-- Departure (0016, new table): each mail sent for an event (a receipt, a
-- refund notice, a sale notice or digest), recorded once handed to the mail
-- server, so a retried job never sends it again.
CREATE TABLE sent_mail (
    mail_key VARCHAR(120) PRIMARY KEY,
    sent_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Departure (0017, new table): where an artist is paid — a PayPal address
-- that takes effect once confirmed by the link mailed to it (token stored
-- as its SHA-256 only).
CREATE TABLE payout_accounts (
    artist_user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    paypal_email VARCHAR(254),
    confirmed_at TIMESTAMPTZ,
    pending_email VARCHAR(254),
    token_hash CHAR(64) UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    token_expires_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT payout_accounts_confirmed_check CHECK ((paypal_email IS NULL) = (confirmed_at IS NULL)),
    CONSTRAINT payout_accounts_pending_check CHECK ((pending_email IS NULL) = (token_hash IS NULL) AND (token_hash IS NULL) = (token_expires_at IS NULL))
);

-- Departure (0018, new tables): payouts over PayPal's Payouts API — one
-- batch per run under a sender_batch_id derived from it (PayPal pays an id
-- once), items read back and updated from webhooks; a failed or returned
-- item no longer counts as paid. The artist's id is kept without a foreign
-- key, as in the ledger.
CREATE TABLE payout_batches (
    id SERIAL PRIMARY KEY,
    sender_batch_id VARCHAR(60) UNIQUE NOT NULL,
    paypal_batch_id VARCHAR(30) UNIQUE,
    currency CHAR(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at TIMESTAMPTZ,
    -- 0019: why PayPal last refused to take the batch (sent again until it does).
    refusal VARCHAR(300),
    refused_at TIMESTAMPTZ
);

CREATE TABLE payout_items (
    id SERIAL PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES payout_batches(id) ON DELETE RESTRICT,
    artist_user_id INTEGER NOT NULL,
    paypal_email VARCHAR(254) NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency CHAR(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    sender_item_id VARCHAR(63) UNIQUE NOT NULL,
    paypal_item_id VARCHAR(30) UNIQUE,
    status VARCHAR(12) NOT NULL DEFAULT 'NEW'
        CHECK (status IN ('NEW', 'PENDING', 'SUCCESS', 'FAILED', 'UNCLAIMED', 'RETURNED', 'ONHOLD', 'BLOCKED', 'REFUNDED', 'REVERSED')),
    transaction_id VARCHAR(30),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_payout_items_artist ON payout_items (artist_user_id);
CREATE INDEX idx_payout_items_batch ON payout_items (batch_id);

-- 5. play_history -----------------------------------------------------------
CREATE TABLE play_history (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    played_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    duration_played_seconds INTEGER CHECK (duration_played_seconds >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, track_id, played_at)
);

CREATE INDEX idx_play_history_user_id ON play_history (user_id);
CREATE INDEX idx_play_history_track_id ON play_history (track_id);
CREATE INDEX idx_play_history_played_at ON play_history (played_at);

-- 6. play_stats -------------------------------------------------------------
CREATE TABLE play_stats (
    id SERIAL PRIMARY KEY,
    -- Departure: nullable. Anonymous listeners' plays are counted too.
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    duration_played_seconds INTEGER NOT NULL DEFAULT 0 CHECK (duration_played_seconds >= 0),
    session_id VARCHAR(255),
    device_type VARCHAR(50) NOT NULL DEFAULT 'web',
    is_paid_user BOOLEAN NOT NULL DEFAULT false,
    played_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Departure: who listened, for the once-per-30-minutes rule — "u:<id>"
    -- for a user, "s:<session>" for an anonymous player session.
    listener_key VARCHAR(80),
    -- Departure: whether this play raised tracks.play_count, and whether the
    -- listener heard the preview rather than the full track.
    counted BOOLEAN NOT NULL DEFAULT false,
    is_preview BOOLEAN NOT NULL DEFAULT false
);

CREATE INDEX idx_play_stats_user_id ON play_stats (user_id);
CREATE INDEX idx_play_stats_track_id ON play_stats (track_id);
-- Departure: statistics per track and day, store-wide by day, and the
-- 30-minute counting rule stay on indexes with millions of plays.
CREATE INDEX idx_play_stats_track_played_at ON play_stats (track_id, played_at);
CREATE INDEX idx_play_stats_played_at ON play_stats (played_at);
CREATE INDEX idx_play_stats_recent_count ON play_stats (track_id, listener_key, played_at) WHERE counted;
CREATE INDEX idx_play_history_user_played_at ON play_history (user_id, played_at DESC);

-- 7. webauthn_credentials ---------------------------------------------------
CREATE TABLE webauthn_credentials (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id VARCHAR(255) UNIQUE NOT NULL,
    public_key BYTEA NOT NULL,
    -- Departure: BIGINT, since authenticators count with an unsigned 32-bit integer.
    counter BIGINT NOT NULL DEFAULT 0 CHECK (counter >= 0),
    transports TEXT[],
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used TIMESTAMPTZ,
    -- Departure: what the authenticator reported at registration (a synced
    -- passkey is 'multiDevice'), and the name the user gave it.
    device_type VARCHAR(32) NOT NULL DEFAULT 'singleDevice'
        CHECK (device_type IN ('singleDevice', 'multiDevice')),
    backed_up BOOLEAN NOT NULL DEFAULT false,
    name VARCHAR(100) NOT NULL DEFAULT 'Passkey'
);

CREATE INDEX idx_webauthn_credentials_id ON webauthn_credentials (credential_id);
-- The original lists 21 index names under a total of 22; this is the 22nd:
-- a user's own passkeys are listed by owner.
CREATE INDEX idx_webauthn_credentials_user_id ON webauthn_credentials (user_id);

-- 8. magic_links ------------------------------------------------------------
CREATE TABLE magic_links (
    id SERIAL PRIMARY KEY,
    -- Departure: nullable. A link can be asked for by an address with no
    -- account yet; the account is created when the link is used, so nobody
    -- can fill the users table by typing addresses.
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    -- Departure: the SHA-256 of the token as 64 lowercase hex digits, never
    -- the token itself, so a leaked table signs nobody in.
    token VARCHAR(255) UNIQUE NOT NULL CHECK (token ~ '^[0-9a-f]{64}$'),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ip_address INET,
    user_agent VARCHAR(500),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Departure: the normalised address the link was sent to; the link signs
    -- in (or creates) exactly that account.
    email VARCHAR(255) NOT NULL
);

CREATE INDEX idx_magic_links_token ON magic_links (token);
CREATE INDEX idx_magic_links_user_id ON magic_links (user_id);
CREATE INDEX idx_magic_links_expires_at ON magic_links (expires_at);
CREATE INDEX idx_magic_links_used_at ON magic_links (used_at) WHERE used_at IS NULL;
-- Departure: the unused links of an address are found (and invalidated) by address.
CREATE INDEX idx_magic_links_email ON magic_links (email) WHERE used_at IS NULL;
CREATE TRIGGER magic_links_set_updated_at BEFORE UPDATE ON magic_links
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- 9. magic_link_tokens ------------------------------------------------------
-- Legacy storage kept for existing data; the app uses magic_links only.
CREATE TABLE magic_link_tokens (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- Departure: a SHA-256 hex digest here too, never a usable token.
    token VARCHAR(255) UNIQUE NOT NULL CHECK (token ~ '^[0-9a-f]{64}$'),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_magic_link_user ON magic_link_tokens (user_id);
CREATE INDEX idx_magic_link_expires ON magic_link_tokens (expires_at);

-- 10. design_system ---------------------------------------------------------
CREATE TABLE design_system (
    id SERIAL PRIMARY KEY,
    color_primary VARCHAR(7),
    color_secondary VARCHAR(7),
    color_accent_teal VARCHAR(7),
    color_accent_green VARCHAR(7),
    color_accent_red VARCHAR(7),
    color_text_primary VARCHAR(7),
    color_background VARCHAR(7),
    background_image_url VARCHAR(500),
    logo_url VARCHAR(500),
    hero_image_url VARCHAR(500),
    font_family_base VARCHAR(100),
    font_size_base INTEGER,
    font_weight_normal INTEGER,
    font_weight_bold INTEGER,
    spacing_unit INTEGER,
    border_radius INTEGER,
    button_background_color VARCHAR(7),
    button_text_color VARCHAR(7),
    button_border_radius INTEGER,
    button_padding VARCHAR(20),
    player_background_image_url VARCHAR(500),
    player_button_color VARCHAR(7),
    player_button_size INTEGER,
    is_active BOOLEAN NOT NULL DEFAULT true,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_by VARCHAR(100),
    -- Departure: a rollback saves a copy of an earlier set; this names it.
    based_on_id INTEGER REFERENCES design_system(id) ON DELETE SET NULL,
    -- Departure: colours are #rrggbb in the database too, so nothing that
    -- reaches /theme.css can break out of its declaration.
    CONSTRAINT design_system_colors_check CHECK (
        color_primary ~ '^#[0-9a-f]{6}$' AND color_secondary ~ '^#[0-9a-f]{6}$'
        AND color_accent_teal ~ '^#[0-9a-f]{6}$' AND color_accent_green ~ '^#[0-9a-f]{6}$'
        AND color_accent_red ~ '^#[0-9a-f]{6}$' AND color_text_primary ~ '^#[0-9a-f]{6}$'
        AND color_background ~ '^#[0-9a-f]{6}$' AND button_background_color ~ '^#[0-9a-f]{6}$'
        AND button_text_color ~ '^#[0-9a-f]{6}$' AND player_button_color ~ '^#[0-9a-f]{6}$'
    )
);

-- Departure: every save inserts a row; exactly one row is the active theme.
CREATE UNIQUE INDEX design_system_one_active ON design_system ((true)) WHERE is_active;
CREATE TRIGGER design_system_set_updated_at BEFORE UPDATE ON design_system
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- sessions (new table) ------------------------------------------------------
-- Departure: server-side sessions, so app servers stay stateless. Only the
-- SHA-256 of the 32-byte cookie token is stored.
CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash CHAR(64) UNIQUE NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ip_address INET,
    user_agent VARCHAR(500)
);

CREATE INDEX idx_sessions_user_id ON sessions (user_id);
CREATE INDEX idx_sessions_expires_at ON sessions (expires_at);

-- webauthn_challenges (new table) -------------------------------------------
-- Departure: WebAuthn challenges live server-side (app servers stay
-- stateless), single use (deleted when consumed) and bound to their flow:
-- a registration challenge to the signed-in user who asked for it.
CREATE TABLE webauthn_challenges (
    id BIGSERIAL PRIMARY KEY,
    challenge VARCHAR(128) UNIQUE NOT NULL,
    flow VARCHAR(20) NOT NULL CHECK (flow IN ('registration', 'authentication')),
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((flow = 'registration') = (user_id IS NOT NULL))
);

CREATE INDEX idx_webauthn_challenges_expires_at ON webauthn_challenges (expires_at);

-- payment_events (new table) ------------------------------------------------
-- Departure: every verified PayPal webhook, stored once by its event id, so a
-- repeated delivery is recognised and changes nothing. processed_at is set
-- when handling finished; a delivery that failed half-way is handled again.
CREATE TABLE payment_events (
    id SERIAL PRIMARY KEY,
    provider VARCHAR(20) NOT NULL DEFAULT 'paypal',
    event_id VARCHAR(255) NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    resource_id VARCHAR(255),
    payload JSONB NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    processed_at TIMESTAMPTZ,
    UNIQUE (provider, event_id)
);

-- Access change feed (new) ---------------------------------------------------
-- Departure: app servers cache, for the audio routes, who a session is and
-- what a track's files are (services/feed-cache.ts). They LISTEN
-- on song_nexus_access and forget everything when one of these changes
-- commits: a session ended, a user's role or active flag changed, a track's
-- audio, preview, publication or ownership changed.
CREATE FUNCTION notify_access_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('song_nexus_access', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER sessions_notify_access AFTER DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_change();
CREATE TRIGGER users_notify_access AFTER UPDATE OF role, is_active OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_change();
-- (0010) price_model too: setting it sets is_free in a BEFORE trigger, which UPDATE OF is_free does not see.
CREATE TRIGGER tracks_notify_access
    AFTER UPDATE OF name, artist, artist_user_id, audio_filename, file_size_bytes, audio_mime, audio_sha256,
        is_published, is_free, price_model, is_deleted, preview_filename, preview_seconds, preview_size_bytes OR DELETE ON tracks
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_change();
-- (0021) purchases too: a buyer's range requests reuse the purchase they looked up
-- (an expiry is checked against the kept expires_at on every request).
CREATE TRIGGER purchases_notify_access AFTER INSERT OR UPDATE OR DELETE ON purchases
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_change();

-- Catalogue change feed (new, 0020) ------------------------------------------
-- Departure: app servers keep anonymous listing responses
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

-- Audit trail (new, 0022) ----------------------------------------------------
-- Departure: the audit trail. One row per change an admin, an artist, a script or
-- PayPal made to something that matters (roles, sign-in rights, refunds,
-- themes, payouts, code batches, deletions), written in the same transaction
-- as the change, so there is never a change without its row or a row
-- without its change. Rows hold ids and the changed fields, never an email
-- address or a name: an erased account leaves nothing personal here.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- NULL for a script, the payment provider or a scheduled job; actor_kind says which.
    actor_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_kind VARCHAR(10) NOT NULL CHECK (actor_kind IN ('user', 'cli', 'provider', 'system')),
    action VARCHAR(60) NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
    target_type VARCHAR(30) NOT NULL,
    target_id VARCHAR(60),
    changes JSONB NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, at DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);

-- Email changes (new, 0023) ---------------------------------------------------
-- Departure: a change of sign-in address waiting for the link mailed to the
-- new address (token as SHA-256; one pending change per account).
CREATE TABLE email_changes (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    new_email VARCHAR(255) NOT NULL,
    token_hash CHAR(64) UNIQUE NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Departure (0008): secrets the app servers share, made by the database so
-- every server signs and checks with the same key without configuration.
-- play_token signs the token a stream response carries (a counted play needs
-- one); 32 bytes from two gen_random_uuid(), PostgreSQL's strong random source.
CREATE TABLE server_secrets (
    name VARCHAR(40) PRIMARY KEY,
    secret BYTEA NOT NULL CHECK (octet_length(secret) >= 16),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO server_secrets (name, secret)
VALUES ('play_token', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())),
       ('download_codes', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())),
       -- (0020) signs keyset pages' cursors.
       ('listing_cursor', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

-- The default theme (the migrations insert the same row).
INSERT INTO design_system (
    color_primary, color_secondary, color_accent_teal, color_accent_green, color_accent_red,
    color_text_primary, color_background, font_family_base, font_size_base,
    font_weight_normal, font_weight_bold, spacing_unit, border_radius,
    button_background_color, button_text_color, button_border_radius, button_padding,
    player_button_color, player_button_size, is_active, updated_by
) VALUES (
    '#6d28d9', '#1e293b', '#0d9488', '#16a34a', '#dc2626',
    '#111827', '#f8fafc', 'Inter, system-ui, sans-serif', 16,
    400, 700, 8, 8,
    '#6d28d9', '#ffffff', 6, '0.6rem 1.2rem',
    '#6d28d9', 48, true, 'default theme'
);
