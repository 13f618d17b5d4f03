-- 0018: payouts over PayPal's Payouts API. A batch pays every artist whose
-- available balance reached PAYOUT_MINIMUM, under a sender_batch_id derived
-- from the run (one a day), so a retried run can never pay twice: PayPal
-- refuses a second batch with the same id. Each item's fate is read back and
-- taken from webhooks; a failed or returned item no longer counts as paid.
-- Like the ledger, payouts keep the artist's id without a foreign key.
CREATE TABLE payout_batches (
    id SERIAL PRIMARY KEY,
    sender_batch_id VARCHAR(60) UNIQUE NOT NULL,
    paypal_batch_id VARCHAR(30) UNIQUE,
    currency CHAR(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at TIMESTAMPTZ
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
