package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// openDraft starts a process whose zero draft is due now, publishes it as
// the co-facilitators would and waits for its amendment window to open.
func openDraft(t *testing.T) string {
	t.Helper()
	id, code := uniqueID("amend")
	now := time.Now().UTC().Truncate(time.Second)
	startProcess(t, process.Template{
		ID: id, Title: "Amendments " + id, Code: code,
		Rules: process.Rules{NonObjectionDays: 2, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{{ID: "negotiations", Title: "Negotiations", Stages: []process.StageSpec{
			{ID: "zero", Kind: process.Draft, Title: "Zero draft", Start: process.Date{Time: now}},
			{ID: "rev1", Kind: process.Draft, Title: "Revision 1", Start: process.Date{Time: now.Add(time.Hour)}},
		}}},
	})
	publishZeroDraft(t, id, []string{"One.", "Two.", "Three."})
	return id
}

// publishZeroDraft stores a zero draft of paragraphs, publishes it as the
// co-facilitators would and waits for its amendment window to open.
func publishZeroDraft(t *testing.T, id string, paragraphs []string) {
	t.Helper()
	ctx := t.Context()
	doc, err := stack.store.PutDocument(ctx, process.DocumentVersion{ProcessID: id, StageID: "zero", Name: workflows.DraftName,
		Title: "Zero draft", Kind: "draft", Paragraphs: paragraphs, IssuedAt: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	// The stage's workflow starts a moment after the process's.
	stacktest.Eventually(t, 30*time.Second, func() error {
		h, err := stack.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: workflows.StageWorkflowID(id, "zero"), UpdateName: workflows.UpdatePublishRevision,
			Args: []any{workflows.PublishRevisionRequest{Revision: 0, SHA256: doc.SHA256}}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			return fmt.Errorf("publishing the zero draft: %w", err)
		}
		return nil
	})
	waitWindow(t, id, "zero", process.WindowOpen)
}

func TestAmendments(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := openDraft(t)
	mex := a.token(MemberState, "MEX", "")
	org := "ngo-" + newKey()
	accredit(t, id, org)
	ngo := a.token(Stakeholder, org, "")
	path := "/v1/processes/" + id + "/stages/zero/amendments"

	amendment := wire.AmendmentRequest{Revision: 0, Paragraph: 2, Text: "Two, as amended."}
	res := a.do("POST", path, mex, amendment)
	if res.Status != http.StatusCreated {
		t.Fatalf("POST: %d %s", res.Status, res.Body)
	}
	want := process.Amendment{ProcessID: id, StageID: "zero", State: "MEX", Revision: 0, Paragraph: 2, Text: amendment.Text}
	var got process.Amendment
	res.JSON(t, &got)
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}

	for _, tt := range []struct {
		name  string
		token string
		stage string
		body  wire.AmendmentRequest
		want  int
	}{
		{"observer", "", "zero", amendment, http.StatusUnauthorized},
		{"stakeholder", ngo, "zero", amendment, http.StatusForbidden},
		{"no such paragraph", mex, "zero", wire.AmendmentRequest{Paragraph: 4, Text: "Four."}, http.StatusUnprocessableEntity},
		{"another revision", mex, "zero", wire.AmendmentRequest{Revision: 1, Paragraph: 1, Text: "One."}, http.StatusUnprocessableEntity},
		{"paragraph 0", mex, "zero", wire.AmendmentRequest{Paragraph: 0, Text: "Zero."}, http.StatusBadRequest},
		{"no text", mex, "zero", wire.AmendmentRequest{Paragraph: 1, Text: " "}, http.StatusBadRequest},
		{"a stage without a window", mex, "rev1", amendment, http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if res := a.do("POST", "/v1/processes/"+id+"/stages/"+tt.stage+"/amendments", tt.token, tt.body); res.Status != tt.want {
				t.Fatalf("got %d %s, want %d", res.Status, res.Body, tt.want)
			}
		})
	}

	var list struct{ Amendments []process.Amendment }
	res = a.do("GET", path, "", nil)
	res.JSON(t, &list)
	if res.Status != http.StatusOK || len(list.Amendments) != 1 || list.Amendments[0] != want {
		t.Errorf("GET: %d %+v", res.Status, list)
	}
	if res := a.do("GET", "/v1/processes/nope/stages/zero/amendments", "", nil); res.Status != http.StatusNotFound {
		t.Errorf("unknown process: %d", res.Status)
	}
}

// TestAmendmentWindowClosed refuses an amendment once the window's time is
// up, before the workflow has sealed it.
func TestAmendmentWindowClosed(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id, code := uniqueID("amend-closed")
	ctx := context.Background()
	now := time.Now()
	for _, err := range []error{
		stack.store.PutProcess(ctx, process.Process{ID: id, TemplateID: id, Title: "Closed", Code: code, Status: "running", CreatedAt: now}),
		stack.store.PutWindow(ctx, process.ContributionWindow{ProcessID: id, StageID: "zero", Code: "R0",
			State: process.WindowOpen, OpensAt: now.Add(-2 * time.Hour), ClosesAt: now.Add(-time.Hour)}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	res := a.do("POST", "/v1/processes/"+id+"/stages/zero/amendments", a.token(MemberState, "MEX", ""),
		wire.AmendmentRequest{Paragraph: 1, Text: "Late."})
	if res.Status != http.StatusConflict {
		t.Fatalf("got %d %s, want 409", res.Status, res.Body)
	}
}
