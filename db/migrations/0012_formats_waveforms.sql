-- 0012: more upload formats and waveforms. AIFF, AAC and ALAC (in MPEG-4)
-- masters are accepted; the preview clip of an ALAC or AIFF master is FLAC
-- (browsers do not play those two), so a clip records its own type.
ALTER TABLE tracks DROP CONSTRAINT tracks_audio_format_check;
ALTER TABLE tracks ADD CONSTRAINT tracks_audio_format_check
    CHECK (audio_format IN ('mp3', 'flac', 'ogg-vorbis', 'ogg-opus', 'wav', 'aiff', 'aac', 'alac'));
ALTER TABLE tracks ADD COLUMN preview_mime VARCHAR(50);

-- A track's waveform: the loudest sample of each of `bins` equal stretches
-- of the master, 0–255 of full scale, computed once per master (`master`
-- is its checksum: a new master computes anew).
CREATE TABLE waveforms (
    track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
    master VARCHAR(64) NOT NULL,
    peaks BYTEA NOT NULL CHECK (length(peaks) BETWEEN 1 AND 4000),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
