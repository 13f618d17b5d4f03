-- 0017: where an artist is paid. A PayPal address takes effect only once
-- its owner opened the confirmation link mailed to it (the token is stored
-- as its SHA-256 only); until then the confirmed address, if any, stays.
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
