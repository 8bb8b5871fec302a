-- Full-text search over contributions, every revision's paragraphs and
-- amendments: search_docs holds one row per searchable thing, with its text
-- copied (the characters that mark matches in snippets, U+0002 and U+0003,
-- made spaces) and its tsvector under the text search configuration of its
-- language, GIN-indexed. Triggers keep it in step with the rows it comes
-- from, which are never updated in their text nor deleted.

CREATE TABLE search_engine (name TEXT NOT NULL); -- which index sqlstore queries
INSERT INTO search_engine (name) VALUES ('tsvector');

-- search_config is the configuration for a revision's language: PostgreSQL
-- stems the five it has; Chinese is matched on runs of characters.
CREATE FUNCTION search_config(language TEXT) RETURNS regconfig LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE language WHEN 'en' THEN 'english' WHEN 'fr' THEN 'french' WHEN 'es' THEN 'spanish'
		WHEN 'ru' THEN 'russian' WHEN 'ar' THEN 'arabic' ELSE 'simple' END::regconfig
$$;

-- guess_language guesses a contribution's language from its script and,
-- in Latin script, from the commonest short words of English, French and
-- Spanish: contributions do not say which they are in.
CREATE FUNCTION guess_language(body TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN body ~ '[\u0600-\u06FF]' THEN 'ar'
		WHEN body ~ '[\u0400-\u04FF]' THEN 'ru'
		WHEN body ~ '[\u4E00-\u9FFF]' THEN 'zh'
		WHEN body ~* '\m(les|des|et|une|dans)\M' AND body !~* '\m(the|and|of)\M' THEN 'fr'
		WHEN body ~* '\m(los|las|del|una|y)\M' AND body !~* '\m(the|and|of)\M' THEN 'es'
		ELSE 'en' END
$$;

CREATE FUNCTION search_clean(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
	SELECT translate(t, E'\x02\x03', '  ')
$$;

CREATE TABLE search_docs (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	process_id   TEXT NOT NULL,
	kind         TEXT NOT NULL, -- contribution, paragraph or amendment
	tracking     TEXT NOT NULL DEFAULT '', -- a contribution's
	revision     INTEGER NOT NULL DEFAULT 0, -- a paragraph's or an amendment's
	paragraph_id TEXT NOT NULL DEFAULT '', -- a paragraph's, or the one an amendment is on
	amendment_id TEXT NOT NULL DEFAULT '',
	label        TEXT NOT NULL, -- a contribution's title, a paragraph's number, an amendment's sponsor
	config       regconfig NOT NULL,
	title        TEXT NOT NULL,
	body         TEXT NOT NULL,
	tsv          tsvector NOT NULL
);

CREATE FUNCTION search_doc_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.title := search_clean(NEW.title);
	NEW.body := search_clean(NEW.body);
	NEW.tsv := setweight(to_tsvector(NEW.config, NEW.title), 'A') || setweight(to_tsvector(NEW.config, NEW.body), 'B');
	RETURN NEW;
END $$;
CREATE TRIGGER search_docs_vector BEFORE INSERT ON search_docs FOR EACH ROW EXECUTE FUNCTION search_doc_vector();

CREATE FUNCTION contribution_searchable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO search_docs (process_id, kind, tracking, label, config, title, body, tsv)
	VALUES (NEW.process_id, 'contribution', NEW.tracking, NEW.title, search_config(guess_language(NEW.title || ' ' || NEW.body)),
		NEW.title, NEW.body, '');
	RETURN NULL;
END $$;
CREATE TRIGGER contributions_searchable AFTER INSERT ON contributions FOR EACH ROW EXECUTE FUNCTION contribution_searchable();

CREATE FUNCTION paragraph_searchable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO search_docs (process_id, kind, revision, paragraph_id, label, config, title, body, tsv)
	SELECT NEW.process_id, 'paragraph', NEW.revision, NEW.paragraph_id, NEW.num, search_config(r.language), '', NEW.text, ''
	FROM text_revisions r WHERE r.process_id = NEW.process_id AND r.number = NEW.revision;
	RETURN NULL;
END $$;
CREATE TRIGGER paragraphs_searchable AFTER INSERT ON text_paragraphs FOR EACH ROW EXECUTE FUNCTION paragraph_searchable();

CREATE FUNCTION amendment_searchable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO search_docs (process_id, kind, revision, paragraph_id, amendment_id, label, config, title, body, tsv)
	SELECT NEW.process_id, 'amendment', NEW.revision, NEW.paragraph_id, NEW.amendment_id, NEW.sponsor, search_config(r.language), '',
		trim(NEW.text || ' ' || COALESCE((SELECT string_agg(e->>'new', ' ') FROM json_array_elements(NEW.edits::json) e), '')), ''
	FROM text_revisions r WHERE r.process_id = NEW.process_id AND r.number = NEW.revision;
	RETURN NULL;
END $$;
CREATE TRIGGER amendments_searchable AFTER INSERT ON text_amendments FOR EACH ROW EXECUTE FUNCTION amendment_searchable();

INSERT INTO search_docs (process_id, kind, tracking, label, config, title, body, tsv)
	SELECT process_id, 'contribution', tracking, title, search_config(guess_language(title || ' ' || body)), title, body, ''
	FROM contributions ORDER BY tracking;
INSERT INTO search_docs (process_id, kind, revision, paragraph_id, label, config, title, body, tsv)
	SELECT p.process_id, 'paragraph', p.revision, p.paragraph_id, p.num, search_config(r.language), '', p.text, ''
	FROM text_paragraphs p JOIN text_revisions r ON r.process_id = p.process_id AND r.number = p.revision
	ORDER BY p.process_id, p.revision, p.position;
INSERT INTO search_docs (process_id, kind, revision, paragraph_id, amendment_id, label, config, title, body, tsv)
	SELECT a.process_id, 'amendment', a.revision, a.paragraph_id, a.amendment_id, a.sponsor, search_config(r.language), '',
		trim(a.text || ' ' || COALESCE((SELECT string_agg(e->>'new', ' ') FROM json_array_elements(a.edits::json) e), '')), ''
	FROM text_amendments a JOIN text_revisions r ON r.process_id = a.process_id AND r.number = a.revision ORDER BY a.id;

CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
CREATE INDEX search_docs_process ON search_docs (process_id);
