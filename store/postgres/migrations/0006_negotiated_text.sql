-- The negotiated text (package text): revisions as paragraphs with stable
-- IDs, amendments with their co-sponsors, positions, the co-facilitators'
-- marks, and what each revision's changes came from.

CREATE TABLE text_revisions (
	process_id TEXT NOT NULL REFERENCES processes (id),
	number     INTEGER NOT NULL,
	symbol     TEXT NOT NULL,
	language   TEXT NOT NULL,
	sha256     TEXT NOT NULL, -- of the paragraphs, symbol, language and sources
	issued_at  TEXT,          -- NULL for a draft not yet issued
	PRIMARY KEY (process_id, number)
);

CREATE TABLE text_paragraphs (
	process_id   TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	position     INTEGER NOT NULL, -- reading order, from 0
	paragraph_id TEXT NOT NULL,
	num          TEXT NOT NULL,
	part         TEXT NOT NULL,
	level        INTEGER NOT NULL,
	text         TEXT NOT NULL,
	PRIMARY KEY (process_id, revision, position),
	UNIQUE (process_id, revision, paragraph_id),
	FOREIGN KEY (process_id, revision) REFERENCES text_revisions (process_id, number)
);

CREATE INDEX text_paragraphs_by_id ON text_paragraphs (process_id, paragraph_id, revision);

-- One row per paragraph a revision changed, added or removed.
CREATE TABLE text_changes (
	process_id    TEXT NOT NULL,
	revision      INTEGER NOT NULL,
	paragraph_id  TEXT NOT NULL,
	seq           INTEGER NOT NULL, -- order among the revision's sources
	change        TEXT NOT NULL,
	amendments    TEXT NOT NULL, -- JSON array of amendment IDs
	contributions TEXT NOT NULL, -- JSON array of tracking numbers
	PRIMARY KEY (process_id, revision, paragraph_id),
	FOREIGN KEY (process_id, revision) REFERENCES text_revisions (process_id, number)
);

-- The contributions behind each change, to find what a contribution informed.
CREATE TABLE text_change_contributions (
	tracking     TEXT NOT NULL REFERENCES contributions (tracking),
	process_id   TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	paragraph_id TEXT NOT NULL,
	PRIMARY KEY (tracking, process_id, revision, paragraph_id),
	FOREIGN KEY (process_id, revision, paragraph_id) REFERENCES text_changes (process_id, revision, paragraph_id)
);

CREATE TABLE text_amendments (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- order proposed
	process_id   TEXT NOT NULL,
	amendment_id TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	kind         TEXT NOT NULL,
	paragraph_id TEXT NOT NULL,
	part         TEXT NOT NULL,
	text         TEXT NOT NULL,
	edits        TEXT NOT NULL, -- JSON array of {old, new}
	sponsor      TEXT NOT NULL,
	cites        TEXT NOT NULL, -- JSON array of tracking numbers
	sha256       TEXT NOT NULL, -- of the amendment as proposed
	outcome      TEXT NOT NULL DEFAULT '', -- '' pending, incorporated, merged, not-retained
	note         TEXT NOT NULL DEFAULT '',
	merged_text  TEXT NOT NULL DEFAULT '',
	proposed_at  TEXT NOT NULL,
	UNIQUE (process_id, amendment_id),
	FOREIGN KEY (process_id, revision) REFERENCES text_revisions (process_id, number)
);

CREATE INDEX text_amendments_by_revision ON text_amendments (process_id, revision, id);

CREATE TABLE text_cosponsors (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- order joined
	process_id   TEXT NOT NULL,
	amendment_id TEXT NOT NULL,
	party        TEXT NOT NULL,
	withdrawn    BOOLEAN NOT NULL,
	UNIQUE (process_id, amendment_id, party),
	FOREIGN KEY (process_id, amendment_id) REFERENCES text_amendments (process_id, amendment_id)
);

CREATE TABLE text_positions (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- order first taken
	process_id   TEXT NOT NULL,
	amendment_id TEXT NOT NULL,
	party        TEXT NOT NULL,
	stance       TEXT NOT NULL,
	statement    TEXT NOT NULL,
	replaced     BOOLEAN NOT NULL, -- this position replaced an earlier one
	UNIQUE (process_id, amendment_id, party),
	FOREIGN KEY (process_id, amendment_id) REFERENCES text_amendments (process_id, amendment_id)
);

CREATE TABLE text_marks (
	process_id   TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	paragraph_id TEXT NOT NULL,
	status       TEXT NOT NULL,
	note         TEXT NOT NULL,
	PRIMARY KEY (process_id, revision, paragraph_id),
	FOREIGN KEY (process_id, revision, paragraph_id) REFERENCES text_paragraphs (process_id, revision, paragraph_id)
);
