-- Full-text search over contributions, every revision's paragraphs and
-- amendments: search_docs holds one row per searchable thing, with its text
-- copied (the characters that mark matches in snippets, U+0002 and U+0003,
-- made spaces), and search_fts, an FTS5 index over it. Triggers keep both
-- in step with the rows they come from, which are never updated in their
-- text nor deleted. Porter stemming is English's; other languages are
-- matched on their words as written, without diacritics, and Chinese on
-- runs of characters between punctuation.

CREATE TABLE search_engine (name TEXT NOT NULL) STRICT; -- which index sqlstore queries
INSERT INTO search_engine (name) VALUES ('fts5');

CREATE TABLE search_docs (
	id           INTEGER PRIMARY KEY,
	process_id   TEXT NOT NULL,
	kind         TEXT NOT NULL, -- contribution, paragraph or amendment
	tracking     TEXT NOT NULL DEFAULT '', -- a contribution's
	revision     INTEGER NOT NULL DEFAULT 0, -- a paragraph's or an amendment's
	paragraph_id TEXT NOT NULL DEFAULT '', -- a paragraph's, or the one an amendment is on
	amendment_id TEXT NOT NULL DEFAULT '',
	label        TEXT NOT NULL, -- a contribution's title, a paragraph's number, an amendment's sponsor
	title        TEXT NOT NULL,
	body         TEXT NOT NULL
) STRICT;

CREATE VIRTUAL TABLE search_fts USING fts5 (title, body, content = 'search_docs', content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2');

CREATE TRIGGER search_docs_indexed AFTER INSERT ON search_docs BEGIN
	INSERT INTO search_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;

CREATE TRIGGER contributions_searchable AFTER INSERT ON contributions BEGIN
	INSERT INTO search_docs (process_id, kind, tracking, label, title, body)
	VALUES (NEW.process_id, 'contribution', NEW.tracking, NEW.title,
		replace(replace(NEW.title, char(2), ' '), char(3), ' '), replace(replace(NEW.body, char(2), ' '), char(3), ' '));
END;

CREATE TRIGGER paragraphs_searchable AFTER INSERT ON text_paragraphs BEGIN
	INSERT INTO search_docs (process_id, kind, revision, paragraph_id, label, title, body)
	VALUES (NEW.process_id, 'paragraph', NEW.revision, NEW.paragraph_id, NEW.num, '', NEW.text);
END;

CREATE TRIGGER amendments_searchable AFTER INSERT ON text_amendments BEGIN
	INSERT INTO search_docs (process_id, kind, revision, paragraph_id, amendment_id, label, title, body)
	VALUES (NEW.process_id, 'amendment', NEW.revision, NEW.paragraph_id, NEW.amendment_id, NEW.sponsor, '',
		trim(NEW.text || ' ' || COALESCE((SELECT group_concat(json_extract(value, '$.new'), ' ') FROM json_each(NEW.edits)), '')));
END;

INSERT INTO search_docs (process_id, kind, tracking, label, title, body)
	SELECT process_id, 'contribution', tracking, title,
		replace(replace(title, char(2), ' '), char(3), ' '), replace(replace(body, char(2), ' '), char(3), ' ')
	FROM contributions ORDER BY tracking;
INSERT INTO search_docs (process_id, kind, revision, paragraph_id, label, title, body)
	SELECT process_id, 'paragraph', revision, paragraph_id, num, '', text FROM text_paragraphs ORDER BY process_id, revision, position;
INSERT INTO search_docs (process_id, kind, revision, paragraph_id, amendment_id, label, title, body)
	SELECT process_id, 'amendment', revision, paragraph_id, amendment_id, sponsor, '',
		trim(text || ' ' || COALESCE((SELECT group_concat(json_extract(value, '$.new'), ' ') FROM json_each(edits)), ''))
	FROM text_amendments ORDER BY id;

CREATE INDEX search_docs_contributions ON search_docs (tracking) WHERE kind = 'contribution';
