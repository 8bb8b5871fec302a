-- A contribution's text is indexed for search after the intake's COMMIT
-- rather than in it (sqlstore/searchqueue.go): FTS5's tokenising and the
-- copy into search_docs cost SQLite's only writer more than the rest of the
-- contribution's insert. The insert now only queues its tracking number, in
-- the same transaction, so a crash loses nothing the index owes; every
-- contribution stored before this migration is indexed already.
DROP TRIGGER contributions_searchable;

CREATE TABLE search_queue (
	id       INTEGER PRIMARY KEY, -- the order of the inserts, which search_docs keeps
	tracking TEXT NOT NULL
) STRICT;

CREATE TRIGGER contributions_queued AFTER INSERT ON contributions BEGIN
	INSERT INTO search_queue (tracking) VALUES (NEW.tracking);
END;
