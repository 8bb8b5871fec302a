package api

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
)

// textRoutes registers the reading of the negotiated text: its revisions,
// the compilation, the amendments, a paragraph's history, the diff
// between revisions and the search.
func (s *Server) textRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /v1/processes/{id}/text/revisions/{revision}", s.getTextRevision)
	s.handle(mux, "GET /v1/processes/{id}/text/compilation", s.getCompilation)
	s.handle(mux, "GET /v1/processes/{id}/text/amendments", s.listTextAmendments)
	s.handle(mux, "GET /v1/processes/{id}/text/amendments/{amendment}", s.getTextAmendment)
	s.handle(mux, "GET /v1/processes/{id}/text/paragraphs/{paragraph}", s.getParagraphHistory)
	s.handle(mux, textDiffPattern, s.diffText)
	s.handle(mux, "GET /v1/contributions/{tracking}/informed", s.getInformed)
	s.handle(mux, textSearchPattern, s.searchText)
}

// The text's costly reads (costlyReads): the diff walks two whole
// revisions, the search the index.
const (
	textDiffPattern   = "GET /v1/processes/{id}/text/diff"
	textSearchPattern = "GET /v1/processes/{id}/search"
)

// Media types of the text's formats.
const (
	aknType      = "application/akn+xml"
	markdownType = "text/markdown; charset=utf-8"
	plainType    = "text/plain; charset=utf-8"
)

// textFormat is the format asked for, by ?format= or else by an Accept
// header that names Akoma Ntoso; allowed are the route's formats besides
// JSON.
func textFormat(r *http.Request, allowed ...string) (string, error) {
	f := r.URL.Query().Get("format")
	if f == "" && strings.Contains(r.Header.Get("Accept"), aknType) && slices.Contains(allowed, wire.FormatAKN) {
		return wire.FormatAKN, nil
	}
	if f == "" || f == "json" || slices.Contains(allowed, f) {
		return cmp.Or(f, "json"), nil
	}
	return "", process.Errorf("api.textFormat", process.Invalid, "format=%q: want json or %s", f, strings.Join(allowed, " or "))
}

// revisionParam reads a revision number from a path or query value.
func revisionParam(name, raw string) (int, error) {
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, process.Errorf("api.revisionParam", process.Invalid, "%s=%q is not a revision number from 0", name, raw)
	}
	return n, nil
}

// readable reports whether the caller may read a revision: an issued one
// anyone, a draft not yet issued those who serve the process.
func readable(ctx context.Context, rev store.Revision) bool {
	return !rev.IssuedAt.IsZero() || principal(ctx).serves(rev.ProcessID)
}

func revisionNotFound(processID string, n int) error {
	return process.Errorf("api.revision", process.NotFound, "process %s has no revision %d of its text", processID, n)
}

// revision reads a revision the caller may read; another is not found.
func (s *Server) revision(ctx context.Context, processID string, n int) (store.Revision, error) {
	rev, err := s.store.GetRevision(ctx, processID, n)
	if err == nil && !readable(ctx, rev) {
		err = revisionNotFound(processID, n)
	}
	return rev, err
}

// revisions says which revisions the caller may read, by number, and the
// latest of them, from the revisions' heads (not their text).
func (s *Server) revisions(ctx context.Context, processID string) (readableByNumber []bool, latest int, err error) {
	if _, err := s.store.GetProcess(ctx, processID); err != nil {
		return nil, 0, err
	}
	heads, err := s.store.RevisionHeads(ctx, processID)
	if err != nil {
		return nil, 0, err
	}
	serves := principal(ctx).serves(processID)
	latest = -1
	for _, h := range heads {
		ok := serves || !h.IssuedAt.IsZero()
		readableByNumber = append(readableByNumber, ok)
		if ok {
			latest = h.Number
		}
	}
	if latest < 0 {
		return nil, 0, process.Errorf("api.revisions", process.NotFound, "process %s has no revision of its text yet", processID)
	}
	return readableByNumber, latest, nil
}

// chosenRevision is ?revision=N, or else the latest the caller may read.
func (s *Server) chosenRevision(r *http.Request, processID string) (int, error) {
	raw := r.URL.Query().Get("revision")
	if raw == "" {
		_, latest, err := s.revisions(r.Context(), processID)
		return latest, err
	}
	n, err := revisionParam("revision", raw)
	if err == nil {
		_, err = s.store.GetProcess(r.Context(), processID)
	}
	return n, err
}

// readableNegotiation reads a revision with everything on it, if the
// caller may read the revision.
func (s *Server) readableNegotiation(ctx context.Context, processID string, n int) (store.Negotiation, error) {
	neg, err := s.store.Negotiation(ctx, processID, n)
	if err == nil && !readable(ctx, neg.Revision) {
		err = revisionNotFound(processID, n)
	}
	return neg, err
}

// aknMeta names a revision's documents the AKN4UN way. A draft without a
// symbol is named after its process's code; one not issued yet, on
// today's date.
func (s *Server) aknMeta(ctx context.Context, rev store.Revision) (text.Meta, error) {
	symbol := rev.Symbol
	if symbol == "" {
		p, err := s.store.GetProcess(ctx, rev.ProcessID)
		if err != nil {
			return text.Meta{}, err
		}
		code := strings.Map(func(r rune) rune {
			if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, strings.ToUpper(cmp.Or(p.Code, p.ID)))
		symbol = fmt.Sprintf("%s/TEXT/REV.%d", strings.TrimLeft(code, "-"), rev.Number)
	}
	date := rev.IssuedAt
	if date.IsZero() {
		date = time.Now()
	}
	return text.Meta{Symbol: symbol, Author: "unga", Date: date.UTC().Format(time.DateOnly), Language: rev.Language}, nil
}

func writeBytes(w http.ResponseWriter, contentType string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func paragraphs(rev *text.Revision) []wire.TextParagraph {
	out := make([]wire.TextParagraph, len(rev.Paragraphs))
	for i, p := range rev.Paragraphs {
		out[i] = wire.TextParagraph{Paragraph: p, Label: rev.Label(i)}
	}
	return out
}

func (s *Server) getTextRevision(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.PathValue("id")
	format, err := textFormat(r, wire.FormatAKN, wire.FormatMarkdown)
	var n int
	if err == nil {
		n, err = revisionParam("revision", r.PathValue("revision"))
	}
	if err == nil {
		_, err = s.store.GetProcess(ctx, id)
	}
	var rev store.Revision
	if err == nil {
		rev, err = s.revision(ctx, id, n)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch format {
	case wire.FormatMarkdown:
		writeBytes(w, markdownType, []byte(rev.Markdown()))
	case wire.FormatAKN:
		meta, err := s.aknMeta(ctx, rev)
		var b []byte
		if err == nil {
			b, err = text.ExportRevision(&rev.Revision, meta)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeBytes(w, aknType, b)
	default:
		writeJSON(w, http.StatusOK, wire.TextRevision{
			ProcessID: id, Number: rev.Number, Symbol: rev.Symbol, Language: rev.Language, IssuedAt: rev.IssuedAt,
			SHA256: rev.SHA256, Paragraphs: paragraphs(&rev.Revision), Sources: sources(rev.Sources),
		})
	}
}

func (s *Server) getCompilation(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.PathValue("id")
	format, err := textFormat(r, wire.FormatAKN, wire.FormatText)
	var n int
	if err == nil {
		n, err = s.chosenRevision(r, id)
	}
	var neg store.Negotiation
	if err == nil {
		neg, err = s.readableNegotiation(ctx, id, n)
	}
	var c *text.Compilation
	if err == nil {
		c, err = neg.Compile()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rev := neg.Revision
	switch format {
	case wire.FormatText:
		writeBytes(w, plainType, []byte(c.Text()))
	case wire.FormatAKN:
		meta, err := s.aknMeta(ctx, rev)
		var b []byte
		if err == nil {
			b, err = text.ExportCompilation(c, meta)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeBytes(w, aknType, b)
	default:
		notes := make(map[string]string, len(neg.Marks))
		for _, m := range neg.Marks {
			notes[m.Paragraph] = m.Note
		}
		labelled := paragraphs(&rev.Revision)
		out := wire.TextCompilation{ProcessID: id, Revision: rev.Number, Symbol: rev.Symbol, Language: rev.Language,
			IssuedAt: rev.IssuedAt, Entries: make([]wire.CompilationEntry, len(c.Entries))}
		for i, e := range c.Entries {
			p := labelled[e.Paragraph]
			out.Entries[i] = wire.CompilationEntry{Paragraph: p, Status: e.Status, Note: notes[p.ID],
				Proposals: nonNil(e.Proposals)}
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// sources are a revision's sources with every list a list: revision 0's
// name contributions and no amendments.
func sources(in []text.Source) []text.Source {
	out := make([]text.Source, len(in))
	for i, src := range in {
		src.Amendments = nonNil(src.Amendments)
		out[i] = src
	}
	return out
}

// textAmendments are a negotiation's amendments as the API shows them,
// each with its positions.
func textAmendments(neg store.Negotiation) []wire.TextAmendment {
	positions := map[string][]text.Position{}
	for _, p := range neg.Positions {
		positions[p.Amendment] = append(positions[p.Amendment], p)
	}
	out := make([]wire.TextAmendment, len(neg.Amendments))
	for i, a := range neg.Amendments {
		out[i] = wire.TextAmendment{ProcessID: neg.Revision.ProcessID, Amendment: a.Amendment, Withdrawn: a.Withdrawn,
			Decision: decisionView(a.Decision), ProposedAt: a.ProposedAt, Positions: positions[a.ID]}
	}
	return out
}

// offsetParam reads ?offset=, from 0.
func offsetParam(raw string, most int) (int, error) {
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || n > most {
		return 0, process.Errorf("api.offsetParam", process.Invalid, "offset=%q: a number from 0 to %d", raw, most)
	}
	return n, nil
}

func (s *Server) listTextAmendments(w http.ResponseWriter, r *http.Request) {
	ctx, id, q := r.Context(), r.PathValue("id"), r.URL.Query()
	limit, err := pageLimit(q.Get("limit"))
	var offset, n int
	if err == nil {
		offset, err = offsetParam(q.Get("offset"), maxAmendmentOffset)
	}
	if err == nil {
		n, err = s.chosenRevision(r, id)
	}
	var neg store.Negotiation
	if err == nil {
		neg, err = s.readableNegotiation(ctx, id, n)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all := textAmendments(neg)
	page := wire.TextAmendmentPage{ProcessID: id, Revision: n, Offset: offset,
		Amendments: all[min(offset, len(all)):min(offset+limit, len(all))], More: offset+limit < len(all)}
	writeJSON(w, http.StatusOK, page)
}

// maxAmendmentOffset bounds ?offset= on the amendments: more than any
// negotiation proposes on one revision.
const maxAmendmentOffset = 100_000

// getTextAmendment finds an amendment on ?revision=N, or else on the
// revisions the caller may read, the latest first.
func (s *Server) getTextAmendment(w http.ResponseWriter, r *http.Request) {
	ctx, id, amendmentID := r.Context(), r.PathValue("id"), r.PathValue("amendment")
	format, err := textFormat(r, wire.FormatAKN)
	var candidates []int
	if err == nil && r.URL.Query().Has("revision") {
		var n int
		n, err = s.chosenRevision(r, id)
		candidates = []int{n}
	} else if err == nil {
		var ok []bool
		ok, _, err = s.revisions(ctx, id)
		for n := len(ok) - 1; n >= 0; n-- {
			if ok[n] {
				candidates = append(candidates, n)
			}
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, n := range candidates {
		neg, err := s.readableNegotiation(ctx, id, n)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		i := slices.IndexFunc(neg.Amendments, func(a store.Amendment) bool { return a.ID == amendmentID })
		if i < 0 {
			continue
		}
		if format != wire.FormatAKN {
			writeJSON(w, http.StatusOK, textAmendments(neg)[i])
			return
		}
		meta, err := s.aknMeta(ctx, neg.Revision)
		var b []byte
		if err == nil {
			b, err = text.ExportAmendment(&neg.Revision.Revision, &neg.Amendments[i].Amendment, meta)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeBytes(w, aknType, b)
		return
	}
	s.fail(w, r, process.Errorf("api.getTextAmendment", process.NotFound, "process %s has no amendment %q", id, amendmentID))
}

// paragraphVersions are the versions the caller may read, each edit with
// its words against the version before it.
func paragraphVersions(vs []store.ParagraphVersion, readableByNumber []bool) []wire.ParagraphVersion {
	out := []wire.ParagraphVersion{}
	for i, v := range vs {
		if v.Revision >= len(readableByNumber) || !readableByNumber[v.Revision] {
			continue
		}
		pv := wire.ParagraphVersion{Revision: v.Revision, Paragraph: v.Paragraph, Change: v.Change,
			Amendments: v.Amendments, Contributions: v.Contributions}
		if prev := i - 1; v.Change == text.Edited && prev >= 0 && vs[prev].Paragraph.ID == v.Paragraph.ID && vs[prev].Revision == v.Revision-1 {
			pv.Words = text.WordDiff(vs[i-1].Paragraph.Text, v.Paragraph.Text)
		}
		out = append(out, pv)
	}
	return out
}

func (s *Server) getParagraphHistory(w http.ResponseWriter, r *http.Request) {
	ctx, id, paragraphID := r.Context(), r.PathValue("id"), r.PathValue("paragraph")
	ok, _, err := s.revisions(ctx, id)
	var vs []store.ParagraphVersion
	if err == nil {
		vs, err = s.store.ParagraphHistory(ctx, id, paragraphID)
	}
	out := wire.ParagraphHistory{ProcessID: id, Paragraph: paragraphID}
	if err == nil {
		if out.Versions = paragraphVersions(vs, ok); len(out.Versions) == 0 {
			err = process.Errorf("api.getParagraphHistory", process.NotFound, "paragraph %s is in no revision of %s", paragraphID, id)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// getInformed lists what a contribution informed, to those who may read
// the contribution.
func (s *Server) getInformed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, visible, err := s.contribution(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := wire.Informed{Tracking: c.Tracking, ProcessID: c.ProcessID, Withheld: !visible, Paragraphs: []wire.ParagraphVersion{}}
	if visible {
		vs, err := s.store.Informed(ctx, c.Tracking)
		var ok []bool
		if err == nil && len(vs) > 0 {
			ok, _, err = s.revisions(ctx, c.ProcessID)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out.Paragraphs = paragraphVersions(vs, ok)
	}
	writeJSON(w, http.StatusOK, out)
}

// diffText compares two revisions; text.Diff bounds its cost whatever
// they hold.
func (s *Server) diffText(w http.ResponseWriter, r *http.Request) {
	ctx, id, q := r.Context(), r.PathValue("id"), r.URL.Query()
	var revs [2]store.Revision
	var numbers [2]int
	var err error
	for i, name := range []string{"from", "to"} {
		if numbers[i], err = revisionParam(name, q.Get(name)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if _, err = s.store.GetProcess(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	for i, n := range numbers {
		if revs[i], err = s.revision(ctx, id, n); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, wire.TextDiff{ProcessID: id, From: numbers[0], To: numbers[1],
		Changes: nonNil(text.Diff(&revs[0].Revision, &revs[1].Revision))})
}

// searchText searches a process's contributions, paragraphs and
// amendments as the caller may read them.
func (s *Server) searchText(w http.ResponseWriter, r *http.Request) {
	const op = "api.searchText"
	ctx, id, q := r.Context(), r.PathValue("id"), r.URL.Query()
	query := q.Get("q")
	var err error
	switch {
	case strings.TrimSpace(query) == "":
		err = process.Errorf(op, process.Invalid, "q is empty: give the words to look for")
	case len(query) > store.MaxQueryBytes:
		err = process.Errorf(op, process.TooLarge, "q is %d bytes: at most %d", len(query), store.MaxQueryBytes)
	}
	var offset int
	limit := 20
	if err == nil {
		offset, err = offsetParam(q.Get("offset"), store.MaxSearchOffset)
	}
	if raw := q.Get("limit"); err == nil && raw != "" {
		if limit, err = strconv.Atoi(raw); err != nil || limit < 1 || limit > store.MaxSearchLimit {
			err = process.Errorf(op, process.Invalid, "limit=%q: a number from 1 to %d", raw, store.MaxSearchLimit)
		}
	}
	if err == nil {
		_, err = s.store.GetProcess(ctx, id)
	}
	var found store.SearchPage
	if err == nil {
		p := principal(ctx)
		reader := store.Reader{Party: p.Party, Serves: p.serves(id)}
		if p.Role == MemberState || p.Role == Stakeholder {
			reader.Role = string(p.Role)
		}
		found, err = s.store.Search(ctx, store.SearchQuery{ProcessID: id, Text: query, Reader: reader, Offset: offset, Limit: limit})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := wire.SearchPage{ProcessID: id, Query: query, Offset: offset, Hits: make([]wire.SearchHit, len(found.Hits)), More: found.More}
	for i, h := range found.Hits {
		snippet := make([]wire.Fragment, len(h.Snippet))
		for j, f := range h.Snippet {
			snippet[j] = wire.Fragment(f)
		}
		page.Hits[i] = wire.SearchHit{Kind: h.Kind, Tracking: h.Tracking, Revision: h.Revision, Paragraph: h.Paragraph,
			Amendment: h.Amendment, Label: h.Label, Snippet: snippet}
	}
	writeJSON(w, http.StatusOK, page)
}

// nonNil is s, or an empty slice for nil: the JSON shows [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
