package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"go.temporal.io/sdk/client"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// awaitTimeout bounds every wait on the stack.
const awaitTimeout = 30 * time.Second

// runTestProcess starts a process's workflow straight on Temporal, so that
// these tests do not depend on the processes routes, and waits until the
// workflow has registered it in the store.
func runTestProcess(t *testing.T, tpl process.Template) {
	t.Helper()
	ctx := context.Background()
	_, err := stack.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.ProcessWorkflowID(tpl.ID), TaskQueue: workflows.TaskQueue,
	}, workflows.Process, workflows.ProcessInput{ProcessID: tpl.ID, Template: tpl})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = stack.temporal.TerminateWorkflow(ctx, workflows.ProcessWorkflowID(tpl.ID), "", "test over")
	})
	awaitRecord(t, tpl.ID, "", "process.created")
}

// awaitRecord waits until a stage's event is recorded and returns its entry.
func awaitRecord(t *testing.T, processID, stageID, event string) process.RecordEntry {
	t.Helper()
	var found process.RecordEntry
	stacktest.Eventually(t, awaitTimeout, func() error {
		entries, err := stack.store.Entries(context.Background(), processID, 0)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(entries, func(e process.RecordEntry) bool { return e.StageID == stageID && e.Event == event })
		if i < 0 {
			return fmt.Errorf("%s: no %s of stage %q recorded", processID, event, stageID)
		}
		found = entries[i]
		return nil
	})
	return found
}

// awaitStageWorkflow waits until a stage's workflow runs, and so takes
// updates.
func awaitStageWorkflow(t *testing.T, processID, stageID string) {
	t.Helper()
	stacktest.Eventually(t, awaitTimeout, func() error {
		_, err := stack.temporal.DescribeWorkflowExecution(context.Background(), workflows.StageWorkflowID(processID, stageID), "")
		return err
	})
}

// draftingTemplate is a process of two drafts due at the given times.
func draftingTemplate(id, code string, zero, rev1 time.Time) process.Template {
	at := func(t time.Time) process.Date { return process.Date{Time: t.UTC().Truncate(time.Second)} }
	return process.Template{
		ID: id, Title: "Drafting " + id, Code: code,
		Rules: process.Rules{NonObjectionDays: 2, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{{ID: "negotiations", Title: "Negotiations", Stages: []process.StageSpec{
			{ID: "zero", Kind: process.Draft, Title: "Zero draft", Start: at(zero),
				Documents: []process.Document{{Symbol: "ZD/1", Title: "Zero draft", Kind: "draft"}}},
			{ID: "rev1", Kind: process.Draft, Title: "Revision 1", Start: at(rev1)},
		}}},
	}
}

func wantStatus(t *testing.T, what string, res response, status int) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: %d %s, want %d", what, res.Status, res.Body, status)
	}
}

func readAll(res *http.Response) []byte {
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return b
}

func textHash(paragraphs []string) string {
	sum := sha256.Sum256([]byte(strings.Join(paragraphs, "\n")))
	return hex.EncodeToString(sum[:])
}

func TestPublishDrafts(t *testing.T) {
	a := newAPIServer(t)
	id, code := uniqueID("drafts")
	now := time.Now()
	runTestProcess(t, draftingTemplate(id, code, now.Add(5*time.Second), now.Add(8*time.Second)))
	cofac := a.token(CoFacilitator, "MEX", id)
	pga := a.token(PGAOffice, "PGA", "")
	post := func(token, stage string, rev int, paragraphs []string) response {
		return a.do("POST", "/v1/processes/"+id+"/stages/"+stage+"/drafts", token,
			map[string]any{"revision": rev, "paragraphs": paragraphs})
	}
	zeroText := []string{"We, the Heads of State and Government,", "Recognize the need for cooperation;", "Commit to act."}
	rev1Text := []string{"We, the Heads of State and Government,", "Recognize the shared need for cooperation;", "Commit to act.", "Decide to review it."}

	wantStatus(t, "observer", post("", "zero", 0, zeroText), http.StatusUnauthorized)
	wantStatus(t, "member State", post(a.token(MemberState, "FRA", ""), "zero", 0, zeroText), http.StatusForbidden)
	wantStatus(t, "another process's co-facilitator", post(a.token(CoFacilitator, "CHE", "elsewhere"), "zero", 0, zeroText), http.StatusForbidden)
	wantStatus(t, "before it is due", post(cofac, "zero", 0, zeroText), http.StatusUnprocessableEntity)
	wantStatus(t, "no such stage", post(cofac, "nope", 0, zeroText), http.StatusNotFound)
	wantStatus(t, "no paragraphs", post(cofac, "zero", 0, nil), http.StatusBadRequest)

	awaitStageWorkflow(t, id, "zero")
	wantStatus(t, "wrong revision", post(cofac, "zero", 1, zeroText), http.StatusUnprocessableEntity)
	if _, err := stack.store.GetDocument(context.Background(), id, workflows.DraftName, 1); process.KindOf(err) != process.NotFound {
		t.Fatalf("a refused revision was stored: %v", err)
	}

	res := post(cofac, "zero", 0, zeroText)
	wantStatus(t, "publish the zero draft", res, http.StatusCreated)
	var v wire.Document
	res.JSON(t, &v)
	if !v.Published || v.PublishedSeq == 0 || v.Revision != 0 || v.SHA256 != textHash(zeroText) || v.StageID != "zero" ||
		v.Symbol != "ZD/1" || v.Title != "Zero draft" || v.ParagraphCount != 3 || v.Diff != nil {
		t.Fatalf("published zero draft: %+v", v)
	}
	if loc := res.Header.Get("Location"); loc != "/v1/processes/"+id+"/documents/draft/0" {
		t.Errorf("Location %q", loc)
	}
	entry := awaitRecord(t, id, "zero", "draft.published")
	if entry.Seq != v.PublishedSeq || !strings.Contains(entry.Data, v.SHA256) {
		t.Errorf("record entry %+v does not publish %s", entry, v.SHA256)
	}
	res = post(cofac, "zero", 0, zeroText)
	wantStatus(t, "retry", res, http.StatusOK)
	var again wire.Document
	res.JSON(t, &again)
	if again.SHA256 != v.SHA256 || again.PublishedSeq != v.PublishedSeq {
		t.Errorf("retry answered %+v, want %+v", again, v)
	}
	wantStatus(t, "another text for a published revision", post(cofac, "zero", 0, rev1Text), http.StatusConflict)

	// The PGA's office and a co-facilitator publish the same text at once:
	// one update publishes it for both.
	awaitStageWorkflow(t, id, "rev1")
	body, _ := json.Marshal(map[string]any{"revision": 1, "paragraphs": rev1Text})
	results := make(chan response, 2)
	for _, token := range []string{pga, cofac} {
		go func() {
			req, _ := http.NewRequest("POST", a.hs.URL+"/v1/processes/"+id+"/stages/rev1/drafts", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			var r response
			if res, err := a.hs.Client().Do(req); err == nil {
				r.Status, r.Body = res.StatusCode, readAll(res)
			}
			results <- r
		}()
	}
	var concurrent wire.Document
	for range 2 {
		res := <-results
		if res.Status != http.StatusCreated && res.Status != http.StatusOK {
			t.Fatalf("publish revision 1 twice at once: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &v)
		if concurrent.PublishedSeq != 0 && v.PublishedSeq != concurrent.PublishedSeq {
			t.Errorf("the two publications answer %+v and %+v", concurrent, v)
		}
		concurrent = v
	}
	if want := (process.DiffStats{Kept: 2, Removed: 1, Added: 2}); !v.Published || v.Diff == nil || *v.Diff != want {
		t.Fatalf("revision 1: %+v, want published with diff %+v", v, want)
	}

	var list wire.DocumentList
	a.do("GET", "/v1/processes/"+id+"/documents", "", nil).JSON(t, &list)
	if len(list.Documents) != 2 || !list.Documents[0].Published || !list.Documents[1].Published || list.Documents[1].Paragraphs != nil {
		t.Fatalf("documents: %+v", list)
	}
	var full wire.Document
	a.do("GET", "/v1/processes/"+id+"/documents/draft/1", "", nil).JSON(t, &full)
	if !slices.Equal(full.Paragraphs, rev1Text) || !full.Published {
		t.Fatalf("revision 1 in full: %+v", full)
	}

	var diff wire.DocumentDiff
	a.do("GET", "/v1/processes/"+id+"/documents/draft/diff?from=0&to=1", "", nil).JSON(t, &diff)
	wantOps := []process.DiffOp{
		{Op: "=", Old: 1, New: 1, Text: zeroText[0]},
		{Op: "+", New: 2, Text: rev1Text[1]},
		{Op: "-", Old: 2, Text: zeroText[1]},
		{Op: "=", Old: 3, New: 3, Text: zeroText[2]},
		{Op: "+", New: 4, Text: rev1Text[3]},
	}
	if !slices.Equal(diff.Ops, wantOps) || diff.Stats != *v.Diff || diff.From.Revision != 0 || diff.To.SHA256 != textHash(rev1Text) {
		t.Fatalf("diff: %+v", diff)
	}
	wantStatus(t, "diff without revisions", a.do("GET", "/v1/processes/"+id+"/documents/draft/diff", "", nil), http.StatusBadRequest)
	wantStatus(t, "no such revision", a.do("GET", "/v1/processes/"+id+"/documents/draft/7", "", nil), http.StatusNotFound)
}

// A version the record does not publish (its publication was refused after
// it was stored) is shown to those who serve the process only.
func TestUnpublishedDocumentsAreHidden(t *testing.T) {
	a := newAPIServer(t)
	id := seedRecord(t)
	ctx := context.Background()
	for rev, text := range []string{"Published text.", "Stored, refused text."} {
		if _, err := stack.store.PutDocument(ctx, process.DocumentVersion{ProcessID: id, StageID: "zero", Name: "draft",
			Revision: rev, Title: "Draft", Kind: "draft", Paragraphs: []string{text}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stack.store.Append(ctx, process.RecordEvent{ProcessID: id, Key: id + "/zero/draft.published", StageID: "zero",
		Event: "draft.published", At: time.Now(), Data: `{"revision":0,"sha256":"` + textHash([]string{"Published text."}) + `"}`}); err != nil {
		t.Fatal(err)
	}
	cofac := a.token(CoFacilitator, "MEX", id)
	for _, tc := range []struct {
		who   string
		token string
		want  []bool // published, per version listed
		rev1  int
	}{
		{"observer", "", []bool{true}, http.StatusNotFound},
		{"another process's co-facilitator", a.token(CoFacilitator, "CHE", "elsewhere"), []bool{true}, http.StatusNotFound},
		{"co-facilitator", cofac, []bool{true, false}, http.StatusOK},
		{"PGA office", a.token(PGAOffice, "PGA", ""), []bool{true, false}, http.StatusOK},
	} {
		var list wire.DocumentList
		a.do("GET", "/v1/processes/"+id+"/documents", tc.token, nil).JSON(t, &list)
		var got []bool
		for _, d := range list.Documents {
			got = append(got, d.Published)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s lists published %v, want %v", tc.who, got, tc.want)
		}
		wantStatus(t, tc.who+" reads revision 1", a.do("GET", "/v1/processes/"+id+"/documents/draft/1", tc.token, nil), tc.rev1)
		wantStatus(t, tc.who+" diffs revision 1", a.do("GET", "/v1/processes/"+id+"/documents/draft/diff?from=0&to=1", tc.token, nil), tc.rev1)
	}
	wantStatus(t, "unknown process", a.do("GET", "/v1/processes/nope/documents", "", nil), http.StatusNotFound)
}

func TestNotPublishedKeepsTheKind(t *testing.T) {
	refused := process.Errorf("api.update", process.Rule, "revision 1 is due on 2030-01-01, not before")
	err := notPublished(refused, process.DocumentVersion{Name: "draft", Revision: 1, SHA256: "ab"})
	if activities.KindOf(err) != process.Rule || process.Message(err) !=
		"revision 1 is due on 2030-01-01, not before (the text is stored as draft revision 1, sha256 ab, but is NOT published)" {
		t.Errorf("%v: kind %v", err, activities.KindOf(err))
	}
}

func decodeDraftBody(body []byte) (wire.DraftRequest, error) {
	r := httptest.NewRequest("POST", "/v1/processes/p/stages/s/drafts", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return decodeDraft(httptest.NewRecorder(), r)
}

func TestDecodeDraft(t *testing.T) {
	long := strings.Repeat("x", maxParagraphBytes+1)
	many, _ := json.Marshal(slices.Repeat([]string{"p"}, maxParagraphs+1))
	for _, tc := range []struct {
		body string
		kind process.Kind // Internal: accepted
	}{
		{`{"revision":0,"paragraphs":["One."]}`, process.Internal},
		{`{"revision":2,"title":"Revision 2","symbol":"A/CONF.231/L.1","paragraphs":["One.","Two\twith a tab."]}`, process.Internal},
		{`{"paragraphs":["One."]}`, process.Invalid},
		{`{"revision":-1,"paragraphs":["One."]}`, process.Invalid},
		{`{"revision":0,"paragraphs":[]}`, process.Invalid},
		{`{"revision":0,"paragraphs":["  "]}`, process.Invalid},
		{`{"revision":0,"paragraphs":["Two\nlines."]}`, process.Invalid},
		{`{"revision":0,"paragraphs":["A NUL\u0000."]}`, process.Invalid},
		{`{"revision":0,"title":"Two\nlines","paragraphs":["One."]}`, process.Invalid},
		{`{"revision":0,"paragraphs":["` + long + `"]}`, process.TooLarge},
		{`{"revision":0,"paragraphs":` + string(many) + `}`, process.TooLarge},
		{`{"revision":0,"paragraphs":["One."],"extra":1}`, process.Invalid},
		{`{"revision":0,"text":"1. One.","format":"markdown","language":"fr"}`, process.Internal},
		{`{"revision":0,"text":"<akomaNtoso/>","format":"akn"}`, process.Internal},
		{`{"revision":1,"fromCompilation":true}`, process.Internal},
		{`{"revision":0,"text":"1. One.","format":"docx"}`, process.Invalid},
		{`{"revision":0,"format":"plain","paragraphs":["One."]}`, process.Invalid},
		{`{"revision":0,"text":"1. One.","paragraphs":["One."]}`, process.Invalid},
		{`{"revision":1,"text":"1. One.","fromCompilation":true}`, process.Invalid},
		{`{"revision":0,"text":"1. One.","language":"de"}`, process.Invalid},
		{`{"revision":0,"paragraphs":["One."]} {}`, process.Invalid},
		{`not json`, process.Invalid},
	} {
		_, err := decodeDraftBody([]byte(tc.body))
		if got := process.KindOf(err); (err == nil) != (tc.kind == process.Internal) || (err != nil && got != tc.kind) {
			t.Errorf("%.60s: %v (%v), want %v", tc.body, err, got, tc.kind)
		}
	}
}

func FuzzDecodeDraft(f *testing.F) {
	for _, seed := range []string{
		`{"revision":0,"paragraphs":["One."]}`,
		`{"revision":1,"title":"T","symbol":"S","paragraphs":["a","b\tc"]}`,
		`{"revision":0,"paragraphs":["a\nb"]}`,
		`{"revision":-3,"paragraphs":[""]}`,
		`{"revision":null,"paragraphs":null}`,
		`{"paragraphs":["\u2028"]}`,
		`[]`, `{}`, ``, `{"revision":1e400}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeDraftBody(body)
		if err != nil {
			if k := process.KindOf(err); k != process.Invalid && k != process.TooLarge {
				t.Fatalf("error of kind %v: %v", k, err)
			}
			return
		}
		if req.Revision == nil || *req.Revision < 0 || len(req.Paragraphs) == 0 && req.Text == "" && !req.FromCompilation ||
			len(req.Paragraphs) > maxParagraphs {
			t.Fatalf("accepted %+v", req)
		}
		for _, p := range req.Paragraphs {
			if strings.TrimSpace(p) == "" || len(p) > maxParagraphBytes ||
				strings.ContainsFunc(p, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) {
				t.Fatalf("accepted paragraph %q", p)
			}
		}
		// What is accepted survives a round trip: the store hashes exactly it.
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeDraftBody(again)
		if err != nil || !slices.Equal(back.Paragraphs, req.Paragraphs) || *back.Revision != *req.Revision {
			t.Fatalf("round trip: %+v, %v", back, err)
		}
	})
}
