package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// publishDraft publishes a draft, decoded and checked whole, on a draft
// stage, for ctx's principal, who serves the process: it stores the text,
// asks the stage's DraftingRound to publish it, and answers the document
// as the record publishes it and whether this call published it. Posting
// again a text published already answers it again; another text is a
// conflict. What can be checked is checked before the text is stored: the
// store keeps one text per revision, so a text stored under the wrong
// revision, or too early, would block the right one.
func (s *Server) publishDraft(ctx context.Context, processID, stageID string, req wire.DraftRequest) (wire.Document, bool, error) {
	const op = "api.publishDraft"
	p, sg, err := s.checkDraftStage(ctx, processID, stageID)
	if err != nil {
		return wire.Document{}, false, err
	}
	var tr *store.Revision // the negotiated text, when the draft is one
	if req.Paragraphs == nil {
		if tr, err = s.draftText(ctx, processID, req); err != nil {
			return wire.Document{}, false, err
		}
		req.Paragraphs = activities.DisplayLines(&tr.Revision)
	}
	entries, err := s.store.EntriesOf(ctx, processID, event.Strings(event.DraftPublished))
	if err != nil {
		return wire.Document{}, false, err
	}
	if e, ok := draftPublished(entries, stageID); ok { // a retry, or a second text
		v, err := s.publishedDraft(ctx, e, req)
		return v, false, err
	}
	aside, err := s.keepsModalities(ctx, processID, "/override", actor(ctx), process.Act{Kind: process.ActPublish, Stage: sg.Spec}, req.Override)
	if err != nil {
		return wire.Document{}, false, err
	}
	st, err := s.draftStatus(ctx, processID, stageID)
	if err != nil {
		return wire.Document{}, false, err
	}
	rev := *req.Revision
	switch {
	case st.Simulated:
		return wire.Document{}, false, process.Errorf(op, process.Conflict, "a simulation publishes its own drafts")
	case st.Document.Revision != rev:
		return wire.Document{}, false, process.AtField("/revision",
			process.Errorf(op, process.Rule, "stage %s publishes revision %d, not %d", stageID, st.Document.Revision, rev))
	}
	doc := st.Document
	doc.Title, doc.Symbol = cmp.Or(req.Title, doc.Title), cmp.Or(req.Symbol, doc.Symbol)
	doc.Paragraphs = req.Paragraphs
	if doc.IssuedAt, err = s.processNow(ctx, op, p, time.Now()); err != nil {
		return wire.Document{}, false, err
	}
	if tr != nil {
		tr.Symbol = doc.Symbol
		if _, err := s.store.PutRevision(ctx, *tr); err != nil {
			if process.KindOf(err) == process.Conflict {
				err = process.E(op, process.Conflict, err)
			}
			return wire.Document{}, false, err
		}
	}
	doc, err = s.store.PutDocument(ctx, doc)
	if process.KindOf(err) == process.Conflict {
		err = process.Errorf(op, process.Conflict, "%s revision %d is stored already with another text: publish that text, "+
			"or have the operators remove it", st.Document.Name, rev)
	}
	if err != nil {
		return wire.Document{}, false, err
	}
	updateErr := s.publishOnce(ctx, processID, stageID, workflows.PublishRevisionRequest{Revision: rev, SHA256: doc.SHA256, SetAside: aside.record()})
	// The record, not the update's answer, says whether the text is
	// published: an earlier request may have published this very text.
	e, ok, err := s.publication(ctx, doc)
	if err != nil {
		return wire.Document{}, false, err
	}
	if !ok {
		if updateErr == nil {
			updateErr = process.Errorf(op, process.Internal, "stage %s accepted revision %d but its record does not publish it", stageID, rev)
		}
		return wire.Document{}, false, notPublished(updateErr, doc)
	}
	v := newDocumentView(doc, map[string]int64{doc.StageID + "/" + doc.SHA256: e.Seq})
	v.Diff = parseDraftData(e).Diff
	return v, updateErr == nil, nil
}

// checkDraftStage checks that the stage is a draft stage that has begun.
func (s *Server) checkDraftStage(ctx context.Context, id, stageID string) (process.Process, process.Stage, error) {
	const op = "api.checkDraftStage"
	p, err := s.store.GetProcess(ctx, id)
	if err != nil {
		return p, process.Stage{}, err
	}
	stages, err := s.store.ListStages(ctx, id)
	if err != nil {
		return p, process.Stage{}, err
	}
	i := slices.IndexFunc(stages, func(st process.Stage) bool { return st.Spec.ID == stageID })
	if i < 0 {
		return p, process.Stage{}, process.Errorf(op, process.NotFound, "process %s has no stage %q", id, stageID)
	}
	switch st := stages[i]; {
	case st.Spec.Kind != process.Draft:
		return p, st, process.Errorf(op, process.Rule, "stage %s is a %s: drafts are published on draft stages", stageID, st.Spec.Kind)
	case st.Status == process.Scheduled:
		return p, st, process.Errorf(op, process.Rule, "stage %s is due on %s, not before", stageID, formatDate(st.Spec.Start.Time))
	case st.Status == process.Cancelled:
		return p, st, process.Errorf(op, process.Conflict, "stage %s is cancelled", stageID)
	}
	return p, stages[i], nil
}

// draftStatus asks a draft stage's workflow which revision it publishes,
// and as what.
func (s *Server) draftStatus(ctx context.Context, processID, stageID string) (workflows.DraftStatus, error) {
	const op = "api.draftStatus"
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	var st workflows.DraftStatus
	v, err := s.temporal.QueryWorkflow(ctx, workflows.StageWorkflowID(processID, stageID), "", workflows.QueryDraft)
	if err == nil {
		err = v.Get(&st)
	}
	// The read model shows the stage running a moment before the Process
	// has started its workflow.
	if notFound := (*serviceerror.NotFound)(nil); errors.As(err, &notFound) {
		return st, process.Errorf(op, process.Conflict, "stage %s's workflow has not started yet; try again in a moment", stageID)
	}
	return st, temporalError(op, err)
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
