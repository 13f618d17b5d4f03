-- 0002: accounts — magic links for addresses without an account yet, user
-- handles and display names, passkey details, and WebAuthn challenges.

ALTER TABLE users ADD COLUMN display_name VARCHAR(100);
ALTER TABLE users ADD COLUMN webauthn_user_id VARCHAR(64) UNIQUE;

ALTER TABLE magic_links ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE magic_links ADD COLUMN email VARCHAR(255);
UPDATE magic_links m SET email = u.email FROM users u WHERE u.id = m.user_id;
DELETE FROM magic_links WHERE email IS NULL;
ALTER TABLE magic_links ALTER COLUMN email SET NOT NULL;
CREATE INDEX idx_magic_links_email ON magic_links (email) WHERE used_at IS NULL;

ALTER TABLE webauthn_credentials
    ADD COLUMN device_type VARCHAR(32) NOT NULL DEFAULT 'singleDevice'
        CHECK (device_type IN ('singleDevice', 'multiDevice'));
ALTER TABLE webauthn_credentials ADD COLUMN backed_up BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE webauthn_credentials ADD COLUMN name VARCHAR(100) NOT NULL DEFAULT 'Passkey';

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
