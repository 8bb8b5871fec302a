-- Tokens expire and can be rotated: the secret a rotation replaces stays
-- taken until previous_until. Tokens made before expiries existed get 90
-- days from the upgrade, the default for new ones.
-- Web sessions live here, not in memory, so that every API process refuses
-- one the moment it is signed out.

ALTER TABLE tokens ADD COLUMN expires_at TEXT;
ALTER TABLE tokens ADD COLUMN rotated_at TEXT;
ALTER TABLE tokens ADD COLUMN previous_hash TEXT;
ALTER TABLE tokens ADD COLUMN previous_until TEXT;
UPDATE tokens SET expires_at = to_char((now() AT TIME ZONE 'UTC') + interval '90 days', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
CREATE UNIQUE INDEX tokens_by_previous_hash ON tokens (previous_hash);
CREATE INDEX tokens_by_holder ON tokens (role, party);

CREATE TABLE sessions (
	id         TEXT PRIMARY KEY,
	token_id   TEXT NOT NULL,
	started_at TEXT NOT NULL,
	seen_at    TEXT NOT NULL,
	ended_at   TEXT
);
