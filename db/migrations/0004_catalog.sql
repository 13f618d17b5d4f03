-- 0004: the catalog — what the upload probe found, the preview clip and cover
-- art of each track, and indexes for catalog search and sorting.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE tracks ADD COLUMN audio_sha256 CHAR(64) CHECK (audio_sha256 ~ '^[0-9a-f]{64}$');
ALTER TABLE tracks ADD COLUMN audio_mime VARCHAR(50);
ALTER TABLE tracks ADD COLUMN audio_format VARCHAR(20) CHECK (audio_format IN ('mp3', 'flac', 'ogg-vorbis', 'ogg-opus', 'wav'));
ALTER TABLE tracks ADD COLUMN codec VARCHAR(50);
ALTER TABLE tracks ADD COLUMN bitrate INTEGER CHECK (bitrate >= 0);
ALTER TABLE tracks ADD COLUMN sample_rate INTEGER CHECK (sample_rate > 0);
ALTER TABLE tracks ADD COLUMN channels SMALLINT CHECK (channels > 0);
ALTER TABLE tracks ADD COLUMN preview_filename VARCHAR(255) UNIQUE;
ALTER TABLE tracks ADD COLUMN preview_seconds NUMERIC(9,3) CHECK (preview_seconds >= 0);
ALTER TABLE tracks ADD COLUMN preview_size_bytes BIGINT CHECK (preview_size_bytes >= 0);
ALTER TABLE tracks ADD COLUMN cover_filename VARCHAR(255) UNIQUE;
ALTER TABLE tracks ADD COLUMN cover_mime VARCHAR(20);

CREATE INDEX idx_tracks_search_trgm ON tracks USING gin ((name || ' ' || artist) gin_trgm_ops)
    WHERE is_published = true AND is_deleted = false;
CREATE INDEX idx_tracks_popular ON tracks (play_count DESC, id DESC)
    WHERE is_published = true AND is_deleted = false;
CREATE INDEX idx_tracks_price ON tracks (price_eur, id)
    WHERE is_published = true AND is_deleted = false;
CREATE INDEX idx_tracks_artist_published ON tracks (artist_user_id, created_at DESC)
    WHERE is_published = true AND is_deleted = false;
CREATE INDEX idx_tracks_genre_published ON tracks (genre)
    WHERE is_published = true AND is_deleted = false;
