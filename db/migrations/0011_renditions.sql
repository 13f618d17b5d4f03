-- 0011: renditions. A track's master transcoded into a download format (MP3
-- 320, FLAC, …), made once on first request by a job and reused after.
-- `recipe` is a digest of what the file is made from — the master's
-- checksum, the tags written into it and the encoder settings — so a new
-- master, new metadata or a new recipe makes a new rendition (and key).
CREATE TABLE renditions (
    id SERIAL PRIMARY KEY,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    format VARCHAR(20) NOT NULL CHECK (format ~ '^[a-z0-9_]{2,20}$'),
    recipe CHAR(32) NOT NULL CHECK (recipe ~ '^[0-9a-f]{32}$'),
    storage_key VARCHAR(255) UNIQUE NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (track_id, format, recipe)
);
