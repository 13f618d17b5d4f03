-- 0023: accounts a person can take with them or end.
-- erased_at: when the account was erased (its owner deleted it, or an admin
-- did). The row stays, because orders, the ledger and the audit trail point
-- at it, but nothing personal is left on it or anywhere else.
ALTER TABLE users ADD COLUMN erased_at TIMESTAMPTZ;

-- A change of sign-in address waiting for the link mailed to the new
-- address (the token stored as its SHA-256 only; one pending change per
-- account, asking again replaces it).
CREATE TABLE email_changes (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    new_email VARCHAR(255) NOT NULL,
    token_hash CHAR(64) UNIQUE NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
