-- 0008: secrets the app servers share, made by the database itself so that
-- every server signs and checks with the same key without configuration.
-- The play-token key signs the token a stream response carries; a counted
-- play needs one (services/plays/play-token.ts). 32 bytes from two
-- gen_random_uuid() (PostgreSQL's strong random source), 244 random bits.
CREATE TABLE server_secrets (
    name VARCHAR(40) PRIMARY KEY,
    secret BYTEA NOT NULL CHECK (octet_length(secret) >= 16),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO server_secrets (name, secret)
VALUES ('play_token', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

-- Tracks of artists without a display name were labelled with the username,
-- which is made from the email address: label them neutrally instead.
UPDATE tracks t SET artist = 'Artist #' || u.id
FROM users u
WHERE t.artist_user_id = u.id AND u.display_name IS NULL AND t.artist = u.username;
