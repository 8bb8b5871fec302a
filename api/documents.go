package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// documentRoutes registers the documents and drafts, the record, the
// calendar, the feeds and the OpenAPI document.
func (s *Server) documentRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /v1/processes/{id}/documents", s.listDocuments)
	s.handle(mux, "GET /v1/processes/{id}/documents/{name}/{revision}", s.getDocument)
	s.handle(mux, "GET /v1/processes/{id}/documents/{name}/diff", s.diffDocument)
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/drafts", s.postDraft, PGAOffice, CoFacilitator)
	s.handle(mux, "GET /v1/processes/{id}/record", s.getRecord)
	s.handle(mux, "GET /v1/processes/{id}/record/verify", s.verifyRecord)
	s.handle(mux, "GET /v1/processes/{id}/calendar.ics", s.getCalendar)
	s.handle(mux, "GET /v1/processes/{id}/feed.atom", s.getAtomFeed)
	s.handle(mux, "GET /v1/processes/{id}/events", s.streamEvents(newBroadcaster(s.store, s.log)))
	s.handle(mux, "GET /v1/openapi.json", serveOpenAPI)
}

func newDocumentView(d process.DocumentVersion, pubs map[string]int64) wire.Document {
	seq := pubs[d.StageID+"/"+d.SHA256]
	return wire.Document{
		ProcessID: d.ProcessID, StageID: d.StageID, Name: d.Name, Revision: d.Revision, Symbol: d.Symbol,
		Title: d.Title, Kind: d.Kind, SHA256: d.SHA256, IssuedAt: d.IssuedAt, ParagraphCount: len(d.Paragraphs),
		Published: seq > 0, PublishedSeq: seq,
	}
}

// publishingEvents are the record's events that publish a document.
var publishingEvents = event.Strings(event.DraftPublished, event.SummaryRecorded,
	event.ConferenceAdopted, event.ConferenceRejected, event.EndorsementAdopted, event.EndorsementRejected)

// publications maps "stage/sha256" to the seq of the first record entry of
// that stage that carries that hash: draft.published for drafts,
// summary.recorded and the adoptions for the workflows' own documents.
func publications(entries []process.RecordEntry) map[string]int64 {
	pubs := map[string]int64{}
	for _, e := range entries {
		if !strings.Contains(e.Data, `"sha256"`) { // most entries carry none: spare parsing them
			continue
		}
		hash := publishedHash(e)
		if hash == "" {
			continue
		}
		if k := e.StageID + "/" + hash; pubs[k] == 0 {
			pubs[k] = e.Seq
		}
	}
	return pubs
}

// publishedHash is the hash of the document an entry publishes, if any.
func publishedHash(e process.RecordEntry) string {
	data, _ := event.Decode(event.Name(e.Event), []byte(e.Data))
	switch d := data.(type) {
	case *event.DraftPublishedData:
		return d.SHA256
	case *event.SummaryData:
		return d.SHA256
	case *event.OutcomeData:
		return d.SHA256
	}
	return ""
}

// listDocuments lists the versions without their text. Versions stored but
// not published (a draft whose publication was refused) are listed only to
// those who serve the process: their text is not public.
func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.PathValue("id")
	pubs, err := s.processPublications(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	docs, err := s.store.ListDocuments(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	insider := principal(ctx).serves(id)
	out := wire.DocumentList{ProcessID: id, Documents: []wire.Document{}}
	for _, d := range docs {
		if v := newDocumentView(d, pubs); v.Published || insider {
			out.Documents = append(out.Documents, v)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// processPublications checks that the process exists and reads what its
// record publishes.
func (s *Server) processPublications(ctx context.Context, id string) (map[string]int64, error) {
	if _, err := s.store.GetProcess(ctx, id); err != nil {
		return nil, err
	}
	entries, err := s.store.EntriesOf(ctx, id, publishingEvents)
	if err != nil {
		return nil, err
	}
	return publications(entries), nil
}

// visibleDocument reads a version with its text; one not published is not
// found except by those who serve the process.
func (s *Server) visibleDocument(ctx context.Context, id, name string, revision int, pubs map[string]int64) (wire.Document, error) {
	d, err := s.store.GetDocument(ctx, id, name, revision)
	if err != nil {
		return wire.Document{}, err
	}
	v := newDocumentView(d, pubs)
	if !v.Published && !principal(ctx).serves(id) {
		return v, process.Errorf("api.visibleDocument", process.NotFound, "document %s revision %d of %s not found", name, revision, id)
	}
	v.Paragraphs = d.Paragraphs
	return v, nil
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.PathValue("id")
	rev, err := strconv.Atoi(r.PathValue("revision"))
	if err != nil || rev < 0 {
		s.fail(w, r, process.Errorf("api.getDocument", process.Invalid, "revision %q is not a number from 0", r.PathValue("revision")))
		return
	}
	pubs, err := s.processPublications(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.visibleDocument(ctx, id, r.PathValue("name"), rev, pubs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) diffDocument(w http.ResponseWriter, r *http.Request) {
	const op = "api.diffDocument"
	ctx, id, name := r.Context(), r.PathValue("id"), r.PathValue("name")
	var revs [2]int
	for i, param := range []string{"from", "to"} {
		n, err := strconv.Atoi(r.URL.Query().Get(param))
		if err != nil || n < 0 {
			s.fail(w, r, process.Errorf(op, process.Invalid, "%s=%q: give the revisions to compare, e.g. ?from=0&to=1", param, r.URL.Query().Get(param)))
			return
		}
		revs[i] = n
	}
	pubs, err := s.processPublications(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var sides [2]wire.Document
	for i, rev := range revs {
		if sides[i], err = s.visibleDocument(ctx, id, name, rev, pubs); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	ops := process.DiffParagraphs(sides[0].Paragraphs, sides[1].Paragraphs)
	writeJSON(w, http.StatusOK, wire.DocumentDiff{
		ProcessID: id, Name: name,
		From:  wire.DiffSide{Revision: sides[0].Revision, SHA256: sides[0].SHA256, Published: sides[0].Published},
		To:    wire.DiffSide{Revision: sides[1].Revision, SHA256: sides[1].SHA256, Published: sides[1].Published},
		Stats: process.Stats(ops), Ops: ops,
	})
}

// Bounds of a draft, besides maxJSONBody on the whole body.
const (
	maxParagraphs     = 5000
	maxParagraphBytes = 64 << 10
	maxTitleBytes     = 500
	maxSymbolBytes    = 64
)

// decodeDraft reads a draft and checks it whole, before anything is written.
func decodeDraft(w http.ResponseWriter, r *http.Request) (wire.DraftRequest, error) {
	const op = "api.decodeDraft"
	var req wire.DraftRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return req, err
	}
	bad := func(pointer string, kind process.Kind, format string, args ...any) (wire.DraftRequest, error) {
		return req, process.AtField(pointer, process.Errorf(op, kind, format, args...))
	}
	switch {
	case req.Revision == nil:
		return bad("/revision", process.Invalid, "revision is required: the revision this stage publishes, 0 for the zero draft")
	case *req.Revision < 0:
		return bad("/revision", process.Invalid, "revision %d is negative", *req.Revision)
	case len(req.Title) > maxTitleBytes || hasControl(req.Title):
		return bad("/title", process.Invalid, "title must be one line of at most %d bytes", maxTitleBytes)
	case len(req.Symbol) > maxSymbolBytes || hasControl(req.Symbol):
		return bad("/symbol", process.Invalid, "symbol must be one line of at most %d bytes", maxSymbolBytes)
	case len(req.Language) > 0 && !slices.Contains(lang.All, req.Language):
		return bad("/language", process.Invalid, "language %q: one of %v", req.Language, lang.All)
	}
	forms := 0
	for _, given := range []bool{req.Paragraphs != nil, req.Text != "", req.FromCompilation} {
		if given {
			forms++
		}
	}
	switch {
	case forms > 1:
		return bad("/paragraphs", process.Invalid, "give one of paragraphs, text or fromCompilation")
	case req.Text != "" && !slices.Contains([]string{"", wire.DraftPlain, wire.DraftMarkdown, wire.DraftAkomaNtoso}, req.Format):
		return bad("/format", process.Invalid, "format %q: plain, markdown or akn", req.Format)
	case req.Text == "" && req.Format != "":
		return bad("/format", process.Invalid, "format is the text's: give text")
	case req.Text != "" || req.FromCompilation:
		return req, nil // parsed and checked as a negotiated text (draftText)
	case len(req.Paragraphs) == 0:
		return bad("/paragraphs", process.Invalid, "paragraphs is empty: a draft has at least one paragraph (or give text, or fromCompilation)")
	case len(req.Paragraphs) > maxParagraphs:
		return bad("/paragraphs", process.TooLarge, "%d paragraphs: a draft has at most %d", len(req.Paragraphs), maxParagraphs)
	}
	for i, p := range req.Paragraphs {
		at := "/paragraphs/" + strconv.Itoa(i)
		switch {
		case len(p) > maxParagraphBytes:
			return bad(at, process.TooLarge, "paragraph %d is over %d bytes", i+1, maxParagraphBytes)
		case strings.TrimSpace(p) == "":
			return bad(at, process.Invalid, "paragraph %d is blank", i+1)
		case hasControl(p):
			// The store addresses a document by its paragraphs joined by
			// newlines: a newline inside one would make two texts one hash.
			return bad(at, process.Invalid, "paragraph %d holds a line break or a control character: one paragraph is one line", i+1)
		}
	}
	return req, nil
}

// hasControl reports a control character other than a tab.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' })
}

// postDraft refuses who does not serve the process, then reads the draft
// whole, before anything is read from the store, and has publishDraft
// publish it: 201 with its Location when this request published it, 200
// for a retry.
func (s *Server) postDraft(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.PathValue("id")
	if !principal(ctx).serves(id) {
		s.fail(w, r, process.Errorf("api.publishDraft", process.Forbidden, "only the PGA's office and this process's co-facilitators publish its drafts"))
		return
	}
	req, err := decodeDraft(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, created, err := s.publishDraft(ctx, id, r.PathValue("stage"), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !created {
		writeJSON(w, http.StatusOK, v)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/processes/%s/documents/%s/%d", id, v.Name, v.Revision))
	writeJSON(w, http.StatusCreated, v)
}

// formatDate writes a bare date as such and a date with a time in RFC 3339.
func formatDate(t time.Time) string {
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.UTC().Format(time.DateOnly)
	}
	return t.UTC().Format(time.RFC3339)
}
