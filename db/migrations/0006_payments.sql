-- 0006: PayPal checkout — orders can be refunded and carry what the checkout
-- needs (invoice id, approve link, capture attempt, refund time, failure
-- reason); verified webhooks are stored once in payment_events.

ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('CREATED', 'COMPLETED', 'FAILED', 'PENDING', 'REFUNDED'));

ALTER TABLE orders ADD COLUMN invoice_id VARCHAR(127) NOT NULL DEFAULT gen_random_uuid()::text;
ALTER TABLE orders ADD CONSTRAINT orders_invoice_id_key UNIQUE (invoice_id);
ALTER TABLE orders ADD COLUMN approve_url TEXT;
ALTER TABLE orders ADD COLUMN capture_attempt INTEGER NOT NULL DEFAULT 0 CHECK (capture_attempt >= 0);
ALTER TABLE orders ADD COLUMN refunded_at TIMESTAMPTZ;
ALTER TABLE orders ADD COLUMN failure_reason VARCHAR(40);

CREATE INDEX idx_orders_created_at ON orders (created_at DESC);
CREATE INDEX idx_orders_transaction_id ON orders (transaction_id);
CREATE INDEX idx_orders_open ON orders (updated_at) WHERE status IN ('CREATED', 'PENDING');
CREATE INDEX idx_purchases_order_id ON purchases (order_id);

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
