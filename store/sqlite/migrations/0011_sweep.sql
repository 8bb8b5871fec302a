-- The API deletes the sessions that are over in batches, found by these.
CREATE INDEX sessions_by_seen ON sessions (seen_at);
CREATE INDEX sessions_by_start ON sessions (started_at);
