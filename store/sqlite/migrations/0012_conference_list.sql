-- Two lists of accredited stakeholders, one for the preparatory process
-- and one for the conference (A/RES/71/280): an application and its
-- objections are keyed by the list too. The rows before are the
-- preparatory list's. SQLite cannot change a primary key: both tables are
-- rebuilt, the child's foreign key following the parent's rename.
CREATE TABLE applications_new (
	process_id   TEXT NOT NULL,
	for_list     TEXT NOT NULL,
	party        TEXT NOT NULL,
	name         TEXT NOT NULL,
	category     TEXT NOT NULL,
	ecosoc       INTEGER NOT NULL,
	state        TEXT NOT NULL,
	list_name    TEXT NOT NULL, -- '' until circulated
	applied_at   TEXT NOT NULL,
	decided_at   TEXT,
	ecosoc_match TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (process_id, for_list, party)
) STRICT;

INSERT INTO applications_new (process_id, for_list, party, name, category, ecosoc, state, list_name, applied_at, decided_at, ecosoc_match)
SELECT process_id, 'preparatory', party, name, category, ecosoc, state, list_name, applied_at, decided_at, ecosoc_match FROM applications;

CREATE TABLE objections_new (
	process_id      TEXT NOT NULL,
	for_list        TEXT NOT NULL,
	party           TEXT NOT NULL,
	objecting_state TEXT NOT NULL,
	reason          TEXT NOT NULL,
	PRIMARY KEY (process_id, for_list, party, objecting_state),
	FOREIGN KEY (process_id, for_list, party) REFERENCES applications_new (process_id, for_list, party)
) STRICT;

INSERT INTO objections_new (process_id, for_list, party, objecting_state, reason)
SELECT process_id, 'preparatory', party, objecting_state, reason FROM objections;

DROP TABLE objections;
DROP TABLE applications;
ALTER TABLE applications_new RENAME TO applications;
ALTER TABLE objections_new RENAME TO objections;
CREATE INDEX applications_by_list ON applications (process_id, list_name);
