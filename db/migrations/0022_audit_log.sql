-- 0022: the audit trail. One row per change an admin, an artist, a script or
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
