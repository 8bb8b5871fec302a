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
	"unicode"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// documentRoutes registers the documents and drafts, the record, the
// calendar, the feeds and the OpenAPI document.
func (s *Server) documentRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /v1/processes/{id}/documents", s.listDocuments)
	s.handle(mux, "GET /v1/processes/{id}/documents/{name}/{revision}", s.getDocument)
	s.handle(mux, "GET /v1/processes/{id}/documents/{name}/diff", s.diffDocument)
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/drafts", s.publishDraft, PGAOffice, CoFacilitator)
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

// publishDraft stores a revision of the draft, then asks the stage's
// DraftingRound to publish it. What can be checked is checked before the
// text is stored: the store keeps one text per revision, so a text stored
// under the wrong revision, or too early, would block the right one.
func (s *Server) publishDraft(w http.ResponseWriter, r *http.Request) {
	const op = "api.publishDraft"
	ctx, id, stageID := r.Context(), r.PathValue("id"), r.PathValue("stage")
	if !principal(ctx).serves(id) {
		s.fail(w, r, process.Errorf(op, process.Forbidden, "only the PGA's office and this process's co-facilitators publish its drafts"))
		return
	}
	req, err := decodeDraft(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rev := *req.Revision
	sg, err := s.checkDraftStage(ctx, id, stageID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var tr *store.Revision // the negotiated text, when the draft is one
	if req.Paragraphs == nil {
		if tr, err = s.draftText(ctx, id, req); err != nil {
			s.fail(w, r, err)
			return
		}
		req.Paragraphs = activities.DisplayLines(&tr.Revision)
	}
	entries, err := s.store.EntriesOf(ctx, id, event.Strings(event.DraftPublished))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if e, ok := draftPublished(entries, stageID); ok { // a retry, or a second text
		v, err := s.publishedDraft(ctx, e, req)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
		return
	}
	aside, err := s.keepsModalities(ctx, id, "/override", by(r), process.Act{Kind: process.ActPublish, Stage: sg.Spec}, req.Override)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := s.stageInput(ctx, id, stageID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case in.Simulation != nil:
		s.fail(w, r, process.Errorf(op, process.Conflict, "a simulation publishes its own drafts"))
		return
	case in.Drafting.Revision != rev:
		s.fail(w, r, process.AtField("/revision", process.Errorf(op, process.Rule, "stage %s publishes revision %d, not %d", stageID, in.Drafting.Revision, rev)))
		return
	}
	if tr != nil {
		tr.Symbol = cmp.Or(req.Symbol, firstSymbol(in.Stage))
		if _, err := s.store.PutRevision(ctx, *tr); err != nil {
			if process.KindOf(err) == process.Conflict {
				err = process.E(op, process.Conflict, err)
			}
			s.fail(w, r, err)
			return
		}
	}
	doc, err := s.store.PutDocument(ctx, process.DocumentVersion{
		ProcessID: id, StageID: stageID, Name: workflows.DraftName, Revision: rev, Kind: "draft",
		Title: cmp.Or(req.Title, in.Stage.Title), Symbol: cmp.Or(req.Symbol, firstSymbol(in.Stage)),
		Paragraphs: req.Paragraphs, IssuedAt: in.Clock.ProcessTime(time.Now()).UTC(),
	})
	if process.KindOf(err) == process.Conflict {
		err = process.Errorf(op, process.Conflict, "%s revision %d is stored already with another text: publish that text, "+
			"or have the operators remove it", workflows.DraftName, rev)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	updateErr := s.publishOnce(ctx, id, stageID, workflows.PublishRevisionRequest{Revision: rev, SHA256: doc.SHA256, SetAside: aside.record()})
	// The record, not the update's answer, says whether the text is
	// published: an earlier request may have published this very text.
	e, ok, err := s.publication(ctx, doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		if updateErr == nil {
			updateErr = process.Errorf(op, process.Internal, "stage %s accepted revision %d but its record does not publish it", stageID, rev)
		}
		s.fail(w, r, notPublished(updateErr, doc))
		return
	}
	v := newDocumentView(doc, map[string]int64{doc.StageID + "/" + doc.SHA256: e.Seq})
	v.Diff = parseDraftData(e).Diff
	status := http.StatusCreated
	if updateErr != nil {
		status = http.StatusOK
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/processes/%s/documents/%s/%d", id, workflows.DraftName, rev))
	writeJSON(w, status, v)
}

// draftText reads a draft given as a negotiated text, typed or compiled,
// and gives it the previous text revision's paragraph IDs and the sources
// of its changes; it stores nothing. A text that cannot be read is refused
// with the line and the reason, at /text.
func (s *Server) draftText(ctx context.Context, id string, req wire.DraftRequest) (*store.Revision, error) {
	const op = "api.draftText"
	number := *req.Revision
	tr := &store.Revision{ProcessID: id, Language: cmp.Or(req.Language, "en")}
	if req.FromCompilation {
		if number == 0 {
			return nil, process.AtField("/fromCompilation", process.Errorf(op, process.Invalid, "revision 0 is not compiled from another"))
		}
		rev, sources, err := activities.CompiledRevision(ctx, s.store, id, number)
		if process.KindOf(err) == process.NotFound {
			err = process.Errorf(op, process.Rule, "revision %d is not stored as a negotiated text, so there is no compilation to make revision %d from", number-1, number)
		}
		if err != nil {
			return nil, process.AtField("/fromCompilation", err)
		}
		tr.Revision, tr.Sources = *rev, sources
		return tr, nil
	}
	var rev *text.Revision
	var err error
	if req.Format == wire.DraftAkomaNtoso {
		rev, err = text.ImportRevision([]byte(req.Text))
	} else {
		rev, err = text.Parse(req.Text)
	}
	if err != nil {
		return nil, process.AtField("/text", err)
	}
	rev.Number = number // the request's, whatever an Akoma Ntoso version number says
	if tr.Sources, err = activities.IdentifyRevision(ctx, s.store, id, rev); err != nil {
		return nil, err
	}
	tr.Revision = *rev
	return tr, nil
}

// publishOnce runs the publish-revision update under an ID made of the
// revision and its hash: concurrent or retried requests with the same text
// share one update and its outcome, where the workflow would refuse all but
// the first as "being published".
func (s *Server) publishOnce(ctx context.Context, id, stageID string, req workflows.PublishRevisionRequest) error {
	updateID := fmt.Sprintf("%s/%d/%s", workflows.UpdatePublishRevision, req.Revision, req.SHA256)
	return s.updateOnce(ctx, workflows.StageWorkflowID(id, stageID), updateID, workflows.UpdatePublishRevision, req, nil)
}

// publication finds the draft.published entry that publishes doc.
func (s *Server) publication(ctx context.Context, doc process.DocumentVersion) (process.RecordEntry, bool, error) {
	entries, err := s.store.EntriesOf(ctx, doc.ProcessID, event.Strings(event.DraftPublished))
	if err != nil {
		return process.RecordEntry{}, false, err
	}
	e, ok := draftPublished(entries, doc.StageID)
	return e, ok && parseDraftData(e).SHA256 == doc.SHA256, nil
}

// checkDraftStage checks that the stage is a draft stage that has begun.
func (s *Server) checkDraftStage(ctx context.Context, id, stageID string) (process.Stage, error) {
	const op = "api.checkDraftStage"
	if _, err := s.store.GetProcess(ctx, id); err != nil {
		return process.Stage{}, err
	}
	stages, err := s.store.ListStages(ctx, id)
	if err != nil {
		return process.Stage{}, err
	}
	i := slices.IndexFunc(stages, func(st process.Stage) bool { return st.Spec.ID == stageID })
	if i < 0 {
		return process.Stage{}, process.Errorf(op, process.NotFound, "process %s has no stage %q", id, stageID)
	}
	switch st := stages[i]; {
	case st.Spec.Kind != process.Draft:
		return st, process.Errorf(op, process.Rule, "stage %s is a %s: drafts are published on draft stages", stageID, st.Spec.Kind)
	case st.Status == process.Scheduled:
		return st, process.Errorf(op, process.Rule, "stage %s is due on %s, not before", stageID, formatDate(st.Spec.Start.Time))
	case st.Status == process.Cancelled:
		return st, process.Errorf(op, process.Conflict, "stage %s is cancelled", stageID)
	}
	return stages[i], nil
}

// stageInput reads what a stage's workflow was started with: its drafting
// context holds the revision the workflow will accept.
func (s *Server) stageInput(ctx context.Context, id, stageID string) (workflows.StageInput, error) {
	const op = "api.stageInput"
	var in workflows.StageInput
	if err := s.workflowInput(ctx, op, workflows.StageWorkflowID(id, stageID), &in); err != nil {
		return in, err
	}
	if in.Drafting == nil {
		return in, process.Errorf(op, process.Internal, "stage %s started without a drafting context", stageID)
	}
	return in, nil
}

// workflowInput reads what a workflow's latest run was started with into v.
func (s *Server) workflowInput(ctx context.Context, op, workflowID string, v any) error {
	it := s.temporal.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !it.HasNext() {
		return process.Errorf(op, process.Conflict, "%s has not started yet; try again in a moment", workflowID)
	}
	ev, err := it.Next()
	if err != nil {
		return temporalError(op, err)
	}
	attrs := ev.GetWorkflowExecutionStartedEventAttributes()
	if attrs == nil {
		return process.Errorf(op, process.Internal, "the history of %s starts with %s", workflowID, ev.GetEventType())
	}
	if err := converter.GetDefaultDataConverter().FromPayloads(attrs.GetInput(), v); err != nil {
		return process.E(op, process.Internal, err)
	}
	return nil
}

// draftPublished finds the draft.published entry of a stage.
func draftPublished(entries []process.RecordEntry, stageID string) (process.RecordEntry, bool) {
	i := slices.IndexFunc(entries, func(e process.RecordEntry) bool {
		return e.StageID == stageID && event.Name(e.Event) == event.DraftPublished
	})
	if i < 0 {
		return process.RecordEntry{}, false
	}
	return entries[i], true
}

// publishedDraft answers a draft posted to a stage that published already:
// the same text again is a retry that succeeded, another text a conflict.
func (s *Server) publishedDraft(ctx context.Context, e process.RecordEntry, req wire.DraftRequest) (wire.Document, error) {
	data := parseDraftData(e)
	d, err := s.store.GetDocument(ctx, e.ProcessID, workflows.DraftName, data.Revision)
	if err != nil {
		return wire.Document{}, err
	}
	if d.SHA256 != data.SHA256 || *req.Revision != data.Revision || !slices.Equal(d.Paragraphs, req.Paragraphs) {
		return wire.Document{}, process.Errorf("api.publishedDraft", process.Conflict,
			"stage %s published revision %d already (sha256 %s)", e.StageID, data.Revision, data.SHA256)
	}
	v := newDocumentView(d, map[string]int64{d.StageID + "/" + d.SHA256: e.Seq})
	v.Diff = data.Diff
	return v, nil
}

func parseDraftData(e process.RecordEntry) event.DraftPublishedData {
	d, _ := event.DecodeAs[event.DraftPublishedData]([]byte(e.Data)) // the workflow wrote it; were it unreadable, it would publish nothing
	return d
}

// notPublished says, with the refusal's kind, that the text stayed stored
// but unpublished.
func notPublished(err error, d process.DocumentVersion) error {
	return process.Errorf("api.publishDraft", activities.KindOf(err),
		"%s (the text is stored as %s revision %d, sha256 %s, but is NOT published)", process.Message(err), d.Name, d.Revision, d.SHA256)
}

func firstSymbol(spec process.StageSpec) string {
	if len(spec.Documents) > 0 {
		return spec.Documents[0].Symbol
	}
	return ""
}

// formatDate writes a bare date as such and a date with a time in RFC 3339.
func formatDate(t time.Time) string {
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.UTC().Format(time.DateOnly)
	}
	return t.UTC().Format(time.RFC3339)
}
