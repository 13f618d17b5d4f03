-- 0015: money after the capture. An append-only ledger of what every sold
-- order line brought and where it went (tax, PayPal's fee, the platform's
-- fee, the artist's net), refunds as negating entries; the buyer's country
-- (for VAT); a per-artist platform fee set by admins; VAT rates by country
-- with the date each applies from (history kept).

-- The ledger keeps what it needs to stand alone (titles, codes, ids): a
-- financial record outlives the rows it came from, so there are no foreign
-- keys, and no row is ever changed or removed (see the trigger below).
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

-- The payer's country PayPal told at capture (or the store's, when it did not).
ALTER TABLE orders ADD COLUMN buyer_country CHAR(2) CHECK (buyer_country ~ '^[A-Z]{2}$');

-- An admin's override of PLATFORM_FEE_PERCENT for one artist, in basis points (1000 = 10 %).
ALTER TABLE users ADD COLUMN platform_fee_bp INTEGER CHECK (platform_fee_bp BETWEEN 0 AND 10000);

-- VAT on electronically supplied services, by the buyer's country: each rate
-- applies from its date until a later row for the country; rows are added,
-- never changed, so the rate of any past sale can be read back.
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
