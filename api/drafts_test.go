package api

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// publishDraft runs without HTTP, for a co-facilitator's context: what it
// refuses before storing leaves nothing stored, the revision refused is
// the one the stage's workflow says it publishes, a first publication is
// created, the same text again answers it again, and another text is a
// conflict.
func TestPublishDraftWithoutHTTP(t *testing.T) {
	t.Parallel()
	s := New(Options{Temporal: stack.temporal, Store: stack.store})
	id, code := uniqueID("publishdraft")
	runTestProcess(t, draftingTemplate(id, code, time.Now().Add(5*time.Second), time.Now().Add(time.Hour)))
	ctx := context.WithValue(context.Background(), principalKey{}, Principal{Role: CoFacilitator, Party: "MEX", ProcessID: id})
	draft := func(rev int, paragraphs ...string) wire.DraftRequest {
		return wire.DraftRequest{Revision: &rev, Paragraphs: paragraphs}
	}
	refused := func(what string, err error, kind process.Kind, pointer string) {
		t.Helper()
		fields := process.Fields(err)
		if process.KindOf(err) != kind || (pointer != "") != (len(fields) == 1) || (pointer != "" && fields[0].Pointer != pointer) {
			t.Fatalf("%s: %v (%v, fields %v), want %v at %q", what, err, process.KindOf(err), fields, kind, pointer)
		}
	}

	_, _, err := s.publishDraft(ctx, id, "zero", draft(0, "We commit."))
	refused("before the stage is due", err, process.Rule, "")
	_, _, err = s.publishDraft(ctx, id, "nope", draft(0, "We commit."))
	refused("no such stage", err, process.NotFound, "")
	_, err = s.draftStatus(ctx, id, "rev1")
	refused("a stage whose workflow has not started", err, process.Conflict, "")

	awaitStageWorkflow(t, id, "zero")
	_, _, err = s.publishDraft(ctx, id, "zero", draft(1, "We commit."))
	refused("a revision the stage does not publish", err, process.Rule, "/revision")
	if _, err := stack.store.GetDocument(ctx, id, workflows.DraftName, 1); process.KindOf(err) != process.NotFound {
		t.Fatalf("a refused revision was stored: %v", err)
	}

	text := []string{"We, the States,", "Commit to act."}
	v, created, err := s.publishDraft(ctx, id, "zero", draft(0, text...))
	if err != nil || !created || !v.Published || v.Revision != 0 || v.Title != "Zero draft" || v.Symbol != "ZD/1" || v.ParagraphCount != 2 {
		t.Fatalf("first publication: %+v, created %v, %v", v, created, err)
	}
	again, created, err := s.publishDraft(ctx, id, "zero", draft(0, text...))
	if err != nil || created || again.SHA256 != v.SHA256 || again.PublishedSeq != v.PublishedSeq {
		t.Fatalf("the same text again: %+v, created %v, %v; want %+v", again, created, err, v)
	}
	_, _, err = s.publishDraft(ctx, id, "zero", draft(0, slices.Concat(text, []string{"And review it."})...))
	refused("another text", err, process.Conflict, "")

	st, err := s.draftStatus(ctx, id, "zero")
	if err != nil || !st.Published || st.Document.Revision != 0 || st.Document.Name != workflows.DraftName {
		t.Fatalf("the stage's status after: %+v, %v", st, err)
	}
}
