-- 0019: a payout batch PayPal refused to take (INSUFFICIENT_FUNDS when the
-- store's PayPal balance is short, SENDER_RESTRICTED, …) keeps PayPal's
-- reason and when it said so. Its items still hold the artists' balances:
-- the reconciliation job sends it again under the same sender_batch_id until
-- PayPal takes it (once the operator has added funds), so nothing is paid twice.
ALTER TABLE payout_batches ADD COLUMN refusal VARCHAR(300);
ALTER TABLE payout_batches ADD COLUMN refused_at TIMESTAMPTZ;
