-- 0010: pricing the way musicians sell. Every track and release has a price
-- model (fixed, name your price with a minimum, free), optional commercial
-- and streaming-pass licenses at their own prices; order lines record what
-- the buyer chose (license, amount above the minimum, discount); discount
-- codes, download codes and gifts. Amounts are in the store's one currency.

-- The offer, the same on tracks and releases. price_eur holds the asking
-- price in the store currency: the fixed price, or the minimum of a
-- name-your-price item (0 allowed), or 0 when free — so sorting by price
-- is sorting by what an item costs at least.
ALTER TABLE tracks ADD COLUMN price_model VARCHAR(20) NOT NULL DEFAULT 'fixed'
    CHECK (price_model IN ('fixed', 'name_your_price', 'free'));
ALTER TABLE tracks ADD COLUMN suggested_price NUMERIC(10,2);
ALTER TABLE tracks ADD CONSTRAINT tracks_suggested_price_check
    CHECK (suggested_price IS NULL OR (price_model = 'name_your_price' AND suggested_price >= price_eur));
ALTER TABLE tracks ADD COLUMN commercial_price NUMERIC(10,2) CHECK (commercial_price > 0);
ALTER TABLE tracks ADD COLUMN commercial_terms TEXT CHECK (length(commercial_terms) <= 10000);
ALTER TABLE tracks ADD COLUMN streaming_price NUMERIC(10,2) CHECK (streaming_price > 0);
ALTER TABLE tracks ADD COLUMN streaming_days SMALLINT CHECK (streaming_days BETWEEN 1 AND 365);
ALTER TABLE tracks ADD CONSTRAINT tracks_streaming_offer_check CHECK ((streaming_price IS NULL) = (streaming_days IS NULL));
UPDATE tracks SET price_model = 'free' WHERE is_free;

ALTER TABLE releases ADD COLUMN price_model VARCHAR(20) NOT NULL DEFAULT 'fixed'
    CHECK (price_model IN ('fixed', 'name_your_price', 'free'));
ALTER TABLE releases ADD COLUMN suggested_price NUMERIC(10,2);
ALTER TABLE releases ADD CONSTRAINT releases_suggested_price_check
    CHECK (suggested_price IS NULL OR (price_model = 'name_your_price' AND suggested_price >= price_eur));
ALTER TABLE releases ADD COLUMN commercial_price NUMERIC(10,2) CHECK (commercial_price > 0);
ALTER TABLE releases ADD COLUMN commercial_terms TEXT CHECK (length(commercial_terms) <= 10000);
ALTER TABLE releases ADD COLUMN streaming_price NUMERIC(10,2) CHECK (streaming_price > 0);
ALTER TABLE releases ADD COLUMN streaming_days SMALLINT CHECK (streaming_days BETWEEN 1 AND 365);
ALTER TABLE releases ADD CONSTRAINT releases_streaming_offer_check CHECK ((streaming_price IS NULL) = (streaming_days IS NULL));

-- The seed's is_free and the price model say one thing: is_free follows the
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
-- A change of the model changes is_free through the trigger above, which an
-- AFTER UPDATE OF is_free trigger does not see: the audio routes' cache
-- hears of price_model changes too (0007).
DROP TRIGGER tracks_notify_access ON tracks;
CREATE TRIGGER tracks_notify_access
    AFTER UPDATE OF name, artist, artist_user_id, audio_filename, file_size_bytes, audio_mime, audio_sha256,
        is_published, is_free, price_model, is_deleted, preview_filename, preview_seconds, preview_size_bytes OR DELETE ON tracks
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_change();

-- Discount codes: an artist's (for their items, all or chosen) or the
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

-- Download codes: single-use codes that grant a release or track without
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
INSERT INTO server_secrets (name, secret)
VALUES ('download_codes', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

-- What each order line chose: its license (and a pass's days), the least
-- it could cost (the fixed price or the minimum, for that license), what a
-- discount code took off, and what the buyer paid above that.
-- price = minimum_price - discount_amount + extra_amount, exactly.
ALTER TABLE order_items ADD COLUMN license_type VARCHAR(20) NOT NULL DEFAULT 'personal'
    CHECK (license_type IN ('personal', 'commercial', 'streaming'));
ALTER TABLE order_items ADD COLUMN streaming_days SMALLINT CHECK (streaming_days BETWEEN 1 AND 365);
ALTER TABLE order_items ADD COLUMN minimum_price NUMERIC(10,2);
UPDATE order_items SET minimum_price = price;
ALTER TABLE order_items ALTER COLUMN minimum_price SET NOT NULL;
ALTER TABLE order_items ADD COLUMN discount_amount NUMERIC(10,2) NOT NULL DEFAULT 0 CHECK (discount_amount >= 0);
ALTER TABLE order_items ADD COLUMN extra_amount NUMERIC(10,2) NOT NULL DEFAULT 0 CHECK (extra_amount >= 0);
ALTER TABLE order_items ADD COLUMN discount_code_id INTEGER REFERENCES discount_codes(id) ON DELETE RESTRICT;
-- A commercial license's terms as the artist wrote them when it was bought: what the buyer holds.
ALTER TABLE order_items ADD COLUMN license_terms TEXT;
ALTER TABLE order_items ADD CONSTRAINT order_items_price_parts_check
    CHECK (price = minimum_price - discount_amount + extra_amount AND discount_amount <= minimum_price);
ALTER TABLE order_items ADD CONSTRAINT order_items_streaming_license_check
    CHECK ((license_type = 'streaming') = (streaming_days IS NOT NULL));

-- Each covered track carries its line's license (and a pass's days).
CREATE OR REPLACE VIEW order_item_tracks AS
    SELECT oi.order_id, oi.track_id, NULL::integer AS release_id, oi.license_type, oi.streaming_days
    FROM order_items oi WHERE oi.track_id IS NOT NULL
    UNION ALL
    SELECT oi.order_id, t.id, oi.release_id, oi.license_type, oi.streaming_days
    FROM order_items oi JOIN tracks t ON t.release_id = oi.release_id
    WHERE oi.release_id IS NOT NULL;

-- A gift: the order pays for someone else, who gets a claim link by mail.
ALTER TABLE orders ADD COLUMN gift_email VARCHAR(255);
ALTER TABLE orders ADD COLUMN gift_message VARCHAR(500);

-- What granted a purchase besides an order: a download code or a gift's
-- claim. A purchase with neither an order nor a code was free.
ALTER TABLE purchases ADD COLUMN download_code_id INTEGER REFERENCES download_codes(id) ON DELETE SET NULL;
CREATE INDEX idx_purchases_download_code ON purchases (download_code_id) WHERE download_code_id IS NOT NULL;
