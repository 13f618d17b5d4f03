-- 0014: heartbeats of long jobs. A worker running a transcode renews its
-- lease every few seconds; a lease not renewed for three beats belongs to a
-- worker that is gone (killed, its machine lost), and its job is failed
-- back into the queue to run again at once — rather than after the job's
-- whole time limit.
CREATE TABLE job_leases (
    job_id UUID PRIMARY KEY,
    queue VARCHAR(50) NOT NULL,
    worker VARCHAR(120) NOT NULL,
    beat_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_job_leases_beat ON job_leases (beat_at);
