-- 0013: what a release ZIP holds beyond its tracks, and the ZIPs kept.
-- Extras are files an artist attaches to a release (a PDF booklet, images),
-- checked by their bytes and put into every ZIP of the release by name.
CREATE TABLE release_extras (
    id SERIAL PRIMARY KEY,
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    name VARCHAR(120) NOT NULL CHECK (length(name) > 0),
    storage_key VARCHAR(255) UNIQUE NOT NULL,
    mime VARCHAR(50) NOT NULL CHECK (mime IN ('application/pdf', 'image/png', 'image/jpeg', 'image/webp')),
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (release_id, name)
);

-- A release's ZIP in one format, built once by a job and served after (with
-- ranges, so a download resumes). `digest` covers every entry's name and
-- stored file: any change to the release (a track, its tags, the order,
-- the cover, an extra) is a new digest, so a stale ZIP is never served.
CREATE TABLE release_zips (
    id SERIAL PRIMARY KEY,
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    format VARCHAR(20) NOT NULL CHECK (format ~ '^[a-z0-9_]{2,20}$'),
    digest CHAR(32) NOT NULL CHECK (digest ~ '^[0-9a-f]{32}$'),
    storage_key VARCHAR(255) UNIQUE NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (release_id, format, digest)
);
