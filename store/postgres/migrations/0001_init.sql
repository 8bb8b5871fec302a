-- The record store's schema. Times are UTC RFC 3339 text with nine
-- fractional digits (see sqlstore.stamp): timestamptz stops at microseconds.

CREATE TABLE processes (
	id          TEXT PRIMARY KEY,
	template_id TEXT NOT NULL,
	title       TEXT NOT NULL,
	code        TEXT NOT NULL UNIQUE, -- tracking numbers start with it
	phase       TEXT NOT NULL,
	status      TEXT NOT NULL,
	created_at  TEXT NOT NULL
);

CREATE TABLE stages (
	process_id TEXT NOT NULL REFERENCES processes (id),
	stage_id   TEXT NOT NULL,
	phase      TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	spec       JSONB NOT NULL, -- process.StageSpec as JSON
	status     TEXT NOT NULL,
	moved      BOOLEAN NOT NULL,
	PRIMARY KEY (process_id, stage_id)
);

CREATE TABLE windows (
	process_id  TEXT NOT NULL REFERENCES processes (id),
	stage_id    TEXT NOT NULL,
	code        TEXT NOT NULL,
	state       TEXT NOT NULL,
	opens_at    TEXT NOT NULL,
	closes_at   TEXT NOT NULL,
	is_public   BOOLEAN NOT NULL,
	seal_count  INTEGER, -- with seal_digest, set when sealed
	seal_digest TEXT,
	PRIMARY KEY (process_id, stage_id)
);

CREATE TABLE contributions (
	tracking        TEXT PRIMARY KEY,
	process_id      TEXT NOT NULL,
	stage_id        TEXT NOT NULL,
	seq             INTEGER NOT NULL,
	party           TEXT NOT NULL,
	role            TEXT NOT NULL,
	idempotency_key TEXT NOT NULL,
	title           TEXT NOT NULL,
	body            TEXT NOT NULL,
	attachment      BYTEA,
	attachment_type TEXT NOT NULL,
	sha256          TEXT NOT NULL,
	submitted_at    TEXT NOT NULL,
	withdrawn       BOOLEAN NOT NULL DEFAULT FALSE,
	UNIQUE (process_id, stage_id, seq),
	UNIQUE (party, idempotency_key),
	FOREIGN KEY (process_id, stage_id) REFERENCES windows (process_id, stage_id)
);

CREATE TABLE applications (
	process_id TEXT NOT NULL,
	party      TEXT NOT NULL,
	name       TEXT NOT NULL,
	category   TEXT NOT NULL,
	ecosoc     BOOLEAN NOT NULL,
	state      TEXT NOT NULL,
	list_name  TEXT NOT NULL, -- '' until circulated
	applied_at TEXT NOT NULL,
	decided_at TEXT,
	PRIMARY KEY (process_id, party)
);

CREATE INDEX applications_by_list ON applications (process_id, list_name);

CREATE TABLE accreditation_lists (
	process_id TEXT NOT NULL,
	list_name  TEXT NOT NULL,
	decided_at TEXT,
	PRIMARY KEY (process_id, list_name)
);

CREATE TABLE objections (
	process_id      TEXT NOT NULL,
	party           TEXT NOT NULL,
	objecting_state TEXT NOT NULL,
	reason          TEXT NOT NULL,
	PRIMARY KEY (process_id, party, objecting_state),
	FOREIGN KEY (process_id, party) REFERENCES applications (process_id, party)
);

CREATE TABLE documents (
	process_id TEXT NOT NULL,
	name       TEXT NOT NULL,
	revision   INTEGER NOT NULL,
	stage_id   TEXT NOT NULL,
	symbol     TEXT NOT NULL,
	title      TEXT NOT NULL,
	kind       TEXT NOT NULL,
	paragraphs JSONB NOT NULL, -- array of strings
	sha256     TEXT NOT NULL,
	issued_at  TEXT NOT NULL,
	PRIMARY KEY (process_id, name, revision)
);

CREATE TABLE amendments (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- insertion order
	process_id  TEXT NOT NULL,
	stage_id    TEXT NOT NULL,
	state       TEXT NOT NULL,
	revision    INTEGER NOT NULL,
	paragraph   INTEGER NOT NULL,
	text        TEXT NOT NULL,
	text_sha256 TEXT NOT NULL, -- the text is too long to index
	UNIQUE (process_id, stage_id, state, revision, paragraph, text_sha256)
);

CREATE TABLE record (
	process_id  TEXT NOT NULL,
	seq         BIGINT NOT NULL,
	event_key   TEXT NOT NULL,
	stage_id    TEXT NOT NULL,
	event       TEXT NOT NULL,
	event_at    TEXT NOT NULL, -- hashed as stored: keep the nanoseconds
	data        TEXT NOT NULL, -- canonical JSON, hashed byte for byte
	recorded_at TEXT NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL,
	PRIMARY KEY (process_id, seq),
	UNIQUE (process_id, event_key)
);

CREATE TABLE subscriptions (
	process_id TEXT NOT NULL,
	recipient  TEXT NOT NULL,
	channel    TEXT NOT NULL,
	topics     JSONB NOT NULL, -- array of event prefixes
	PRIMARY KEY (process_id, recipient, channel)
);

CREATE TABLE outbox (
	notification_key TEXT PRIMARY KEY,
	process_id       TEXT NOT NULL,
	event            TEXT NOT NULL,
	recipient        TEXT NOT NULL,
	channel          TEXT NOT NULL,
	payload          TEXT NOT NULL,
	state            TEXT NOT NULL,
	created_at       TEXT NOT NULL
);

CREATE INDEX outbox_by_state ON outbox (state, created_at);
