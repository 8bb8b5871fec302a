-- A contribution's text is indexed for search after the intake's COMMIT
-- rather than in it (sqlstore/searchqueue.go), as on SQLite: guessing its
-- language and building its tsvector took the server more time than the
-- rest of the insert, and the group commit waited for it. The insert now
-- only queues its tracking number, in the same transaction, so a crash
-- loses nothing the index owes; every contribution stored before this
-- migration is indexed already.
DROP TRIGGER contributions_searchable ON contributions;
DROP FUNCTION contribution_searchable();

CREATE TABLE search_queue (
	id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- the order of the inserts, which search_docs keeps
	tracking TEXT NOT NULL
);

CREATE FUNCTION contribution_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO search_queue (tracking) VALUES (NEW.tracking);
	RETURN NULL;
END $$;
CREATE TRIGGER contributions_queued AFTER INSERT ON contributions FOR EACH ROW EXECUTE FUNCTION contribution_queued();
