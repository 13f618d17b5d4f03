-- 0005: streaming and plays — purchases can be revoked (refunds,
-- reversals), anonymous listeners' plays are counted, and play statistics
-- have the indexes their aggregations need.

ALTER TABLE purchases ADD COLUMN revoked_at TIMESTAMPTZ;

ALTER TABLE play_stats ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE play_stats ADD COLUMN listener_key VARCHAR(80);
ALTER TABLE play_stats ADD COLUMN counted BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE play_stats ADD COLUMN is_preview BOOLEAN NOT NULL DEFAULT false;

CREATE INDEX idx_play_stats_track_played_at ON play_stats (track_id, played_at);
CREATE INDEX idx_play_stats_played_at ON play_stats (played_at);
CREATE INDEX idx_play_stats_recent_count ON play_stats (track_id, listener_key, played_at) WHERE counted;
CREATE INDEX idx_play_history_user_played_at ON play_history (user_id, played_at DESC);
CREATE INDEX idx_purchases_track_id ON purchases (track_id);
