package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// The co-facilitators publish the zero draft as typed Markdown and the
// next revision from its compilation; the record says which amendment
// each change came from.
func TestPublishTextDrafts(t *testing.T) {
	a := newAPIServer(t)
	ctx := context.Background()
	id, code := uniqueID("textdrafts")
	now := time.Now()
	runTestProcess(t, draftingTemplate(id, code, now.Add(5*time.Second), now.Add(8*time.Second)))
	cofac := a.token(CoFacilitator, "MEX", id)
	post := func(stage string, body map[string]any) response {
		return a.do("POST", "/v1/processes/"+id+"/stages/"+stage+"/drafts", cofac, body)
	}
	awaitStageWorkflow(t, id, "zero")

	res := post("zero", map[string]any{"revision": 0, "format": "markdown", "text": "# A compact\n\n1. One.\n\n3. Three."})
	wantStatus(t, "a number out of sequence", res, http.StatusBadRequest)
	var problem wire.Problem
	res.JSON(t, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].Pointer != "/text" || problem.Errors[0].Line != 5 ||
		!strings.Contains(problem.Errors[0].Detail, "line 5") {
		t.Fatalf("unreadable text: %+v", problem)
	}
	if _, err := stack.store.GetRevision(ctx, id, 0); process.KindOf(err) != process.NotFound {
		t.Fatalf("an unreadable text was stored: %v", err)
	}
	if _, err := stack.store.GetDocument(ctx, id, workflows.DraftName, 0); process.KindOf(err) != process.NotFound {
		t.Fatalf("an unreadable text was stored as a document: %v", err)
	}

	res = post("zero", map[string]any{"revision": 0, "format": "akn", "text": "<akomaNtoso>\n<doc>\n</akomaNtoso>"})
	wantStatus(t, "malformed Akoma Ntoso", res, http.StatusBadRequest)
	problem = wire.Problem{}
	res.JSON(t, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].Pointer != "/text" || problem.Errors[0].Line != 3 {
		t.Fatalf("malformed Akoma Ntoso: %+v", problem)
	}

	zero := "# A compact on data\n\nRecalling our earlier commitments,\n\n## Objective 1: Data\n\n1. We commit to cooperate on data.\n\n2. We commit to save lives.\n"
	res = post("zero", map[string]any{"revision": 0, "format": "markdown", "text": zero})
	wantStatus(t, "publish the zero draft as text", res, http.StatusCreated)
	var full wire.Document
	a.do("GET", "/v1/processes/"+id+"/documents/draft/0", "", nil).JSON(t, &full)
	wantLines := []string{"A compact on data", "Recalling our earlier commitments,", "Objective 1: Data",
		"We commit to cooperate on data.", "We commit to save lives."}
	if !slices.Equal(full.Paragraphs, wantLines) {
		t.Fatalf("zero draft's lines: %q", full.Paragraphs)
	}
	awaitRecord(t, id, "zero", "draft.published")
	rev0, err := stack.store.GetRevision(ctx, id, 0)
	if err != nil || rev0.IssuedAt.IsZero() || rev0.Symbol != "ZD/1" || rev0.Language != "en" || len(rev0.Paragraphs) != 5 {
		t.Fatalf("revision 0: %+v, %v", rev0, err)
	}

	// A delegation's amendment to OP2, which the co-facilitators take.
	op2 := rev0.Paragraphs[4].ID
	_, err = stack.store.ProposeAmendment(ctx, id, text.Amendment{ID: "A1", Revision: 0, Kind: text.Replace,
		Paragraph: op2, Text: "We commit to save lives at sea.", Sponsor: "MEX"},
		store.Act{By: "MEX", Role: string(MemberState), At: now, StageID: "zero"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stack.store.DecideAmendment(ctx, id, "A1", text.Decision{Outcome: text.Incorporated},
		store.Act{By: "PGA", Role: string(PGAOffice), At: now, StageID: "zero"}); err != nil {
		t.Fatal(err)
	}

	awaitStageWorkflow(t, id, "rev1")
	wantStatus(t, "text and compilation at once", post("rev1", map[string]any{"revision": 1, "fromCompilation": true, "text": "1. One."}), http.StatusBadRequest)
	res = post("rev1", map[string]any{"revision": 1, "fromCompilation": true})
	wantStatus(t, "publish revision 1 from the compilation", res, http.StatusCreated)
	var v wire.Document
	res.JSON(t, &v)
	if v.Diff == nil || v.Diff.Kept != 4 || v.Diff.Added != 1 || v.Diff.Removed != 1 {
		t.Errorf("revision 1's diff: %+v", v.Diff)
	}
	entry := awaitRecord(t, id, "rev1", "draft.published")
	var data struct {
		TextSHA256 string        `json:"textSha256"`
		Sources    []text.Source `json:"sources"`
	}
	if err := json.Unmarshal([]byte(entry.Data), &data); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("[{%s edited [A1] []}]", op2)
	if got := fmt.Sprint(data.Sources); got != want || data.TextSHA256 == "" {
		t.Errorf("draft.published records %s (text %q), want sources %s", got, data.TextSHA256, want)
	}
	rev1, err := stack.store.GetRevision(ctx, id, 1)
	if err != nil || rev1.IssuedAt.IsZero() || rev1.SHA256 != data.TextSHA256 || fmt.Sprint(rev1.Sources) != want ||
		rev1.Paragraphs[4].Text != "We commit to save lives at sea." || rev1.Paragraphs[4].ID != op2 {
		t.Fatalf("revision 1: %+v, %v", rev1, err)
	}
	res = post("rev1", map[string]any{"revision": 1, "fromCompilation": true})
	wantStatus(t, "retry", res, http.StatusOK)
}
