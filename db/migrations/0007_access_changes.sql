-- 0007: the change feed behind the stream access cache. Every app server
-- LISTENs on song_nexus_access and forgets what it cached about sessions and
-- tracks as soon as one of these changes commits anywhere: a session ended,
-- a user's role or active flag changed, a track's audio, preview,
-- publication or ownership changed. Statement-level, so a bulk change sends
-- one notification; play counts and updated_at do not notify.

CREATE FUNCTION notify_access_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('song_nexus_access', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER sessions_notify_access AFTER DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_change();
CREATE TRIGGER users_notify_access AFTER UPDATE OF role, is_active OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_change();
CREATE TRIGGER tracks_notify_access
    AFTER UPDATE OF name, artist, artist_user_id, audio_filename, file_size_bytes, audio_mime, audio_sha256,
        is_published, is_free, is_deleted, preview_filename, preview_seconds, preview_size_bytes OR DELETE ON tracks
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_change();
