package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// term is one thing a query looks for: a word or a phrase, excluded or
// not, or an alternative to the term before it.
type term struct {
	words []string
	not   bool
	or    bool // OR the term before
}

// parseQuery reads a user's query as search engines do: words, "quoted
// phrases", -excluded terms and OR between two terms. Characters other
// than letters, digits and marks separate words, so that no term carries
// syntax to the index.
func parseQuery(op, q string) ([]term, error) {
	switch {
	case len(q) > store.MaxQueryBytes:
		return nil, process.Errorf(op, process.TooLarge, "query of %d bytes: at most %d", len(q), store.MaxQueryBytes)
	case !utf8.ValidString(q):
		return nil, invalid(op, "the query is not UTF-8 text")
	}
	var terms []term
	or, positive := false, 0
	for q != "" {
		q = strings.TrimLeftFunc(q, isSpace)
		if q == "" {
			break
		}
		not := false
		if q[0] == '-' {
			not, q = true, q[1:]
		}
		var chunk string
		if q != "" && q[0] == '"' {
			end := strings.IndexByte(q[1:], '"')
			if end < 0 {
				end = len(q) - 1 // an unclosed phrase runs to the end
			}
			chunk, q = q[1:1+end], q[min(len(q), end+2):]
		} else {
			end := strings.IndexFunc(q, isSpace)
			if end < 0 {
				end = len(q)
			}
			chunk, q = q[:end], q[end:]
		}
		if chunk == "OR" && !not && len(terms) > 0 {
			or = true
			continue
		}
		words := strings.FieldsFunc(chunk, func(r rune) bool { return !unicode.In(r, unicode.L, unicode.N, unicode.M) })
		if len(words) == 0 {
			continue
		}
		t := term{words: words, not: not, or: or && !not && !terms[len(terms)-1].not}
		or = false
		terms = append(terms, t)
		if !not {
			positive++
		}
	}
	switch {
	case positive == 0:
		return nil, invalid(op, "the query has no word to look for")
	case len(terms) > store.MaxQueryTerms:
		return nil, invalid(op, "the query has %d terms: at most %d", len(terms), store.MaxQueryTerms)
	}
	return terms, nil
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// fts5Query writes terms as an FTS5 query: every word a quoted string,
// alternatives in parentheses, exclusions last.
func fts5Query(terms []term) string {
	var pos, neg []string
	for _, t := range terms {
		s := `"` + strings.Join(t.words, " ") + `"` // words hold no quote
		switch {
		case t.not:
			neg = append(neg, s)
		case t.or:
			pos[len(pos)-1] = pos[len(pos)-1] + " OR " + s
		default:
			pos = append(pos, s)
		}
	}
	for i, p := range pos {
		pos[i] = "(" + p + ")"
	}
	return strings.Join(append([]string{strings.Join(pos, " AND ")}, neg...), " NOT ")
}

// hasPhrase is whether a term looked for is a phrase.
func hasPhrase(terms []term) bool {
	for _, t := range terms {
		if len(t.words) > 1 && !t.not {
			return true
		}
	}
	return false
}

// websearchQuery writes terms for PostgreSQL's websearch_to_tsquery, each
// quoted.
func websearchQuery(terms []term) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" ")
		}
		switch {
		case t.or:
			b.WriteString("or ")
		case t.not:
			b.WriteString("-")
		}
		b.WriteString(`"` + strings.Join(t.words, " ") + `"`)
	}
	return b.String()
}

// Snippets mark matches with these characters, which the indexed copies of
// the texts hold none of.
const (
	markStart = "\x02"
	markEnd   = "\x03"
)

// fragments splits a marked snippet.
func fragments(snippet string) []store.Fragment {
	fs := []store.Fragment{}
	for snippet != "" {
		start := strings.Index(snippet, markStart)
		if start < 0 {
			start = len(snippet)
		}
		if start > 0 {
			fs = append(fs, store.Fragment{Text: snippet[:start]})
		}
		snippet = snippet[start:]
		if snippet == "" {
			break
		}
		end := strings.Index(snippet, markEnd)
		if end < 0 {
			end = len(snippet)
		}
		fs = append(fs, store.Fragment{Text: snippet[len(markStart):end], Match: true})
		snippet = snippet[min(len(snippet), end+len(markEnd)):]
	}
	return fs
}

// visible is what a reader may read among search_docs d, with the
// contribution c and its window w, and the revision r: $3 is the reader's
// party, $4 their role and $5 whether they serve the process.
const visible = `(d.kind = 'contribution' AND ((c.party = $3 AND c.role = $4) OR (w.is_public AND NOT c.withdrawn))
		OR d.kind <> 'contribution' AND (r.issued_at IS NOT NULL OR $5))`

// hitSources join to search_docs d the contribution c and its window w,
// or the revision r.
const hitSources = `
		LEFT JOIN contributions c ON d.kind = 'contribution' AND c.tracking = d.tracking
		LEFT JOIN windows w ON w.process_id = c.process_id AND w.stage_id = c.stage_id
		LEFT JOIN text_revisions r ON d.kind <> 'contribution' AND r.process_id = d.process_id AND r.number = d.revision`

// tsquery is the query $2 read under every configuration the index uses
// (search_query, in the PostgreSQL migrations). It is written out where it
// is used, not taken from a CTE, so that the planner sees its lexemes and
// estimates how many rows match: walking the most recent rows for a common
// word, the GIN index for a rare one.
const tsquery = `search_query($2)`

// maxRanked bounds the matches a search ranks: the most recent ones, so
// that a word in most of 100,000 contributions costs what a rarer one does.
// The deepest page lies within it.
const maxRanked = store.MaxSearchOffset + store.MaxSearchLimit + 1

// phraseWindow is how many of the process's most recent documents a
// phrase search on PostgreSQL checks one by one before it asks the index:
// enough for a phrase in one document in sixteen to fill maxRanked there.
var phraseWindow = 8192 // a var for the tests, which make it small

// recentPhrase is the tsvector query's recent matches when the query holds a
// phrase. The planner estimates a phrase to match as often as its words
// together, so for common words that seldom come in the phrase's order it
// walked the documents from the latest, checking the phrase in each, to the
// last of them (112,000 in the benchmark, for 2 matches). Here the walk
// stops after the phraseWindow latest ($9), and only when it found fewer
// than maxRanked ($8) there do the older matches come from the GIN index:
// the documents holding every word of the phrase, rechecked for it. A
// phrase search thus checks at most phraseWindow documents plus those that
// hold all its words, and returns the same matches as the walk. (The
// phrase of common words in an order no document has still checks every
// document that has them: only an index of adjacent words would spare it.)
const recentPhrase = `
		WITH latest AS MATERIALIZED (
			SELECT w.id FROM (SELECT d.id, d.tsv FROM search_docs d WHERE d.process_id = $1 ORDER BY d.id DESC LIMIT $9) w
			WHERE w.tsv @@ ` + tsquery + ` ORDER BY w.id DESC LIMIT $8)
		SELECT id FROM latest
		UNION ALL
		SELECT id FROM (
			SELECT d.id FROM search_docs d
			WHERE d.tsv @@ ` + tsquery + ` AND d.process_id = $1 AND (SELECT count(*) FROM latest) < $8
				AND d.id + 0 < (SELECT min(w.id) FROM (SELECT d.id FROM search_docs d WHERE d.process_id = $1 ORDER BY d.id DESC LIMIT $9) w)
			ORDER BY d.id + 0 DESC LIMIT $8) older` // + 0: the GIN index alone, then sorted; not walked nor bitmapped by id

// searches are the queries for each engine that search_engine names: $1
// the process, $2 the query, $3–$5 the reader (visible), $6 the limit, $7
// the offset, $8 maxRanked and $9 phraseWindow. Each takes the most recent
// matches, ranks those the reader may read, takes the page and only then
// makes the page's snippets.
var searches = map[string]string{
	"fts5": `
		WITH recent AS MATERIALIZED (
			SELECT search_fts.rowid AS id, search_fts.rank AS rank FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
			WHERE search_fts MATCH $2 AND d.process_id = $1 ORDER BY search_fts.rowid DESC LIMIT $8),
		hits AS (
			SELECT recent.id, recent.rank FROM recent JOIN search_docs d ON d.id = recent.id` + hitSources + `
			WHERE ` + visible + `
			ORDER BY recent.rank, recent.id LIMIT $6 OFFSET $7)
		SELECT d.kind, d.tracking, d.revision, d.paragraph_id, d.amendment_id, d.label,
			snippet(search_fts, -1, char(2), char(3), '…', 24)
		FROM hits CROSS JOIN search_fts CROSS JOIN search_docs d -- CROSS: from the page, not from every match
		WHERE search_fts MATCH $2 AND search_fts.rowid = hits.id AND d.id = hits.id
		ORDER BY hits.rank, hits.id`,
	"tsvector":        tsvectorSearch(`SELECT d.id FROM search_docs d WHERE d.tsv @@ ` + tsquery + ` AND d.process_id = $1 ORDER BY d.id DESC LIMIT $8`),
	"tsvector-phrase": tsvectorSearch(recentPhrase),
}

// tsvectorSearch is the tsvector query whose most recent matches are recent.
func tsvectorSearch(recent string) string {
	return `
		WITH recent AS MATERIALIZED (` + recent + `),
		hits AS (
			SELECT d.id, ts_rank(d.tsv, ` + tsquery + `) AS rank FROM recent JOIN search_docs d ON d.id = recent.id` + hitSources + `
			WHERE ` + visible + `
			ORDER BY rank DESC, d.id LIMIT $6 OFFSET $7)
		SELECT d.kind, d.tracking, d.revision, d.paragraph_id, d.amendment_id, d.label,
			ts_headline(d.config, d.title || ' ' || d.body, ` + tsquery + `,
				'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=…')
		FROM hits JOIN search_docs d ON d.id = hits.id
		ORDER BY hits.rank DESC, hits.id`
}

// Search runs a query on the index the schema has.
func (db *DB) Search(ctx context.Context, q store.SearchQuery) (store.SearchPage, error) {
	const op = "store.Search"
	page := store.SearchPage{Hits: []store.SearchHit{}}
	limit := q.Limit
	switch {
	case q.ProcessID == "":
		return page, invalid(op, "a search names its process")
	case strings.TrimSpace(q.Text) == "":
		return page, invalid(op, "the query is empty")
	case limit < 0 || limit > store.MaxSearchLimit:
		return page, invalid(op, "limit %d: from 1 to %d", limit, store.MaxSearchLimit)
	case q.Offset < 0 || q.Offset > store.MaxSearchOffset:
		return page, invalid(op, "offset %d: from 0 to %d; narrow the query to go further", q.Offset, store.MaxSearchOffset)
	}
	if limit == 0 {
		limit = 20
	}
	terms, err := parseQuery(op, q.Text)
	if err != nil {
		return page, err
	}
	search, query, prepare := searches[db.index], fts5Query(terms), ""
	args := []any{q.ProcessID, query, q.Reader.Party, q.Reader.Role, q.Reader.Serves, limit + 1, q.Offset, maxRanked}
	if db.index == "tsvector" {
		// A prepared statement's generic plan would not see the query's
		// lexemes: plan each search on its own.
		args[1], prepare = websearchQuery(terms), `SET LOCAL plan_cache_mode = force_custom_plan`
		if hasPhrase(terms) {
			search, args = searches["tsvector-phrase"], append(args, phraseWindow)
		}
	}
	// Every contribution acknowledged before the search began is found.
	if err := db.indexQueued(ctx); err != nil {
		return page, db.fail(op, err)
	}
	err = db.inReadTx(ctx, op, func(tx *sql.Tx) (err error) {
		if prepare != "" {
			if _, err := tx.ExecContext(ctx, prepare); err != nil {
				return err
			}
		}
		page.Hits, err = queryAll(ctx, tx, func(s scanner) (h store.SearchHit, err error) {
			var snippet string
			err = s.Scan(&h.Kind, &h.Tracking, &h.Revision, &h.Paragraph, &h.Amendment, &h.Label, &snippet)
			h.Snippet = fragments(snippet)
			return h, err
		}, search, args...)
		return err
	})
	if len(page.Hits) > limit {
		page.Hits, page.More = page.Hits[:limit], true
	}
	return page, err
}
