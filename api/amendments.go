package api

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// maxAmendment bounds an amendment's text.
const maxAmendment = 16 << 10

func (s *Server) amendmentRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/amendments", s.proposeAmendment, MemberState)
	s.handle(mux, "GET /v1/processes/{id}/stages/{stage}/amendments", s.listAmendments)
}

// proposeAmendment takes a Member State's amendment to a paragraph of the
// revision a draft stage published, while the stage's amendment window is
// open.
func (s *Server) proposeAmendment(w http.ResponseWriter, r *http.Request) {
	var in wire.AmendmentRequest
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	processID, stageID := r.PathValue("id"), r.PathValue("stage")
	err := validateAmendment(in)
	if err == nil {
		_, err = s.store.LatestRevision(r.Context(), processID)
		switch {
		case err == nil:
			s.proposeOnText(w, r, processID, stageID, in)
			return
		case process.KindOf(err) == process.NotFound: // no text yet: the draft's documents
			err = s.amendable(r, processID, stageID, in)
		}
	}
	a := process.Amendment{ProcessID: processID, StageID: stageID, State: principal(r.Context()).Party,
		Revision: in.Revision, Paragraph: in.Paragraph, Text: in.Text}
	if err == nil {
		err = s.store.AddAmendment(r.Context(), a)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

// proposeOnText takes the amendment onto the process's negotiated text, as
// a replacement of the revision's Nth stored paragraph, and answers as
// this route always has.
func (s *Server) proposeOnText(w http.ResponseWriter, r *http.Request, processID, stageID string, in wire.AmendmentRequest) {
	const op = "api.proposeAmendment"
	ctx := r.Context()
	n, err := s.negotiation(ctx, op, processID)
	var rev *text.Revision
	switch {
	case err != nil:
	case stageID != n.stageID || in.Revision != n.revision:
		err = process.Errorf(op, process.Rule, "stage %s did not publish revision %d: the latest is revision %d, of stage %s",
			stageID, in.Revision, n.revision, n.stageID)
	default:
		rev, err = s.textRevision(ctx, processID, n.revision)
	}
	if err == nil && in.Paragraph > len(rev.Paragraphs) {
		err = process.AtField("/paragraph", process.Errorf(op, process.Rule, "revision %d has %d paragraphs", in.Revision, len(rev.Paragraphs)))
	}
	state := principal(ctx).Party
	if err == nil {
		sum := sha256.Sum256([]byte(in.Text))
		key := fmt.Sprintf("stage-route/%d/%d/%x", in.Revision, in.Paragraph, sum)
		_, _, err = s.propose(ctx, n, amendmentID(state, key), wire.TextAmendmentRequest{Kind: text.Replace,
			Paragraph: rev.Paragraphs[in.Paragraph-1].ID, Text: in.Text, Sponsor: state})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, process.Amendment{ProcessID: processID, StageID: stageID, State: state,
		Revision: in.Revision, Paragraph: in.Paragraph, Text: in.Text})
}

func validateAmendment(in wire.AmendmentRequest) error {
	const op = "api.proposeAmendment"
	switch {
	case in.Revision < 0:
		return process.AtField("/revision", process.Errorf(op, process.Invalid, "revision must be 0 or more and paragraph 1 or more"))
	case in.Paragraph < 1:
		return process.AtField("/paragraph", process.Errorf(op, process.Invalid, "revision must be 0 or more and paragraph 1 or more"))
	case strings.TrimSpace(in.Text) == "":
		return process.AtField("/text", process.Errorf(op, process.Invalid, "the amendment has no text"))
	case len(in.Text) > maxAmendment:
		return process.AtField("/text", process.Errorf(op, process.TooLarge, "the text is over %d bytes", maxAmendment))
	case strings.IndexByte(in.Text, 0) >= 0:
		return process.AtField("/text", process.Errorf(op, process.Invalid, "the text holds a NUL character"))
	}
	return nil
}

// amendable checks that the stage's window is open now and that the
// amendment names a paragraph of the revision the stage published.
func (s *Server) amendable(r *http.Request, processID, stageID string, in wire.AmendmentRequest) error {
	const op = "api.proposeAmendment"
	win, err := s.store.GetWindow(r.Context(), processID, stageID)
	if err != nil {
		return err
	}
	if !win.TakesAt(time.Now()) {
		return process.Errorf(op, process.Conflict, "stage %s takes no amendments now", stageID)
	}
	doc, err := s.store.GetDocument(r.Context(), processID, workflows.DraftName, in.Revision)
	switch {
	case process.KindOf(err) == process.NotFound || (err == nil && doc.StageID != stageID):
		return process.Errorf(op, process.Rule, "stage %s did not publish revision %d", stageID, in.Revision)
	case err != nil:
		return err
	case in.Paragraph > len(doc.Paragraphs):
		return process.Errorf(op, process.Rule, "revision %d has %d paragraphs", in.Revision, len(doc.Paragraphs))
	}
	return nil
}

func (s *Server) listAmendments(w http.ResponseWriter, r *http.Request) {
	processID := r.PathValue("id")
	if _, err := s.store.GetProcess(r.Context(), processID); err != nil {
		s.fail(w, r, err)
		return
	}
	as, err := s.store.ListAmendments(r.Context(), processID, r.PathValue("stage"))
	if err == nil {
		var onText []process.Amendment
		onText, err = s.stageTextAmendments(r.Context(), processID, r.PathValue("stage"))
		as = append(as, onText...)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.AmendmentList{Amendments: as})
}

// stageTextAmendments are the replacements proposed on the text revision a
// stage published, in this route's shape (paragraph N of the revision):
// what the route takes onto the text, it lists. The other kinds are read
// at /v1/processes/{id}/text/amendments.
func (s *Server) stageTextAmendments(ctx context.Context, processID, stageID string) ([]process.Amendment, error) {
	docs, err := s.store.ListDocuments(ctx, processID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(docs, func(d process.DocumentVersion) bool { return d.Name == workflows.DraftName && d.StageID == stageID })
	if i < 0 {
		return nil, nil
	}
	neg, err := s.readableNegotiation(ctx, processID, docs[i].Revision)
	if process.KindOf(err) == process.NotFound { // a draft of lines, not a text; or not issued
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []process.Amendment
	for _, a := range neg.Amendments {
		if a.Kind == text.Replace {
			out = append(out, process.Amendment{ProcessID: processID, StageID: stageID, State: a.Sponsor,
				Revision: a.Revision, Paragraph: neg.Revision.Index(a.Paragraph) + 1, Text: a.Text})
		}
	}
	return out, nil
}
