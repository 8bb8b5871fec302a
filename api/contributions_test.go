package api

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// startProcess runs tmpl's Process workflow on the shared stack until the
// test ends.
func startProcess(t *testing.T, tmpl process.Template) {
	t.Helper()
	ctx := context.Background()
	run, err := stack.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.ProcessWorkflowID(tmpl.ID), TaskQueue: workflows.TaskQueue,
	}, workflows.Process, workflows.ProcessInput{ProcessID: tmpl.ID, Template: tmpl})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stack.temporal.TerminateWorkflow(ctx, run.GetID(), "", "test over") })
}

// waitWindow waits until the store shows the stage's window in state.
func waitWindow(t *testing.T, processID, stageID string, state process.WindowState) process.ContributionWindow {
	t.Helper()
	var w process.ContributionWindow
	stacktest.Eventually(t, 30*time.Second, func() (err error) {
		if w, err = stack.store.GetWindow(context.Background(), processID, stageID); err == nil && w.State != state {
			err = fmt.Errorf("window %s/%s: %+v; want it %s", processID, stageID, w, state)
		}
		return err
	})
	return w
}

// openConsultation starts a test process and waits for its thematic
// session's public window, ts1, to open.
func openConsultation(t *testing.T) string {
	t.Helper()
	id, code := uniqueID("contrib")
	startProcess(t, testTemplate(id, code, time.Now()))
	waitWindow(t, id, "ts1", process.WindowOpen)
	return id
}

// accredit approves a stakeholder for a process.
func accredit(t *testing.T, processID, party string) {
	t.Helper()
	_, err := stack.store.Apply(context.Background(), process.Application{ProcessID: processID, Party: party,
		Name: "Organisation " + party, Category: "civil-society", ECOSOC: true, AppliedAt: time.Now(),
		Match: &process.ECOSOCMatch{Result: process.MatchExact, Note: "test: taken as verified"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// newKey is an idempotency key no other test uses: a party's keys are
// unique across processes.
func newKey() string { return rand.Text() }

func contributionsPath(processID, stageID string) string {
	return "/v1/processes/" + processID + "/stages/" + stageID + "/contributions"
}

// filePart is a multipart file: its bytes and what the sender claims.
type filePart struct {
	name, contentType string
	data              []byte
}

// multipartBody encodes fields and an optional attachment; it returns the
// body and its Content-Type.
func multipartBody(t *testing.T, fields map[string]string, file *filePart) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="attachment"; filename="`+file.name+`"`)
		h.Set("Content-Type", file.contentType)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(file.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

var minimalPDF = []byte("%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n" +
	"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")

var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

// zipOf builds a ZIP archive of the named files.
func zipOf(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, "<?xml version=\"1.0\"?><x/>"); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func minimalDOCX(t testing.TB) []byte {
	return zipOf(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml")
}

func TestSubmitContribution(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := openConsultation(t)
	mex := a.token(MemberState, "MEX", "")
	key := newKey()
	body := map[string]string{"title": "Mexico on human rights", "body": "Migrants' rights are human rights."}

	res := a.do("POST", contributionsPath(id, "ts1"), mex, body, "Idempotency-Key", key)
	if res.Status != http.StatusCreated {
		t.Fatalf("POST: %d %s", res.Status, res.Body)
	}
	var receipt process.Receipt
	res.JSON(t, &receipt)
	sum := sha256.Sum256([]byte(body["title"] + "\n" + body["body"]))
	if !strings.HasPrefix(receipt.Tracking, "T") || !strings.Contains(receipt.Tracking, "-TS1-") ||
		receipt.SHA256 != hex.EncodeToString(sum[:]) || time.Since(receipt.SubmittedAt) > time.Minute {
		t.Errorf("receipt %+v", receipt)
	}
	if loc := res.Header.Get("Location"); loc != "/v1/contributions/"+receipt.Tracking {
		t.Errorf("Location %q", loc)
	}

	// The same key again: the same receipt, and still one contribution.
	again := a.do("POST", contributionsPath(id, "ts1"), mex, body, "Idempotency-Key", key)
	var second process.Receipt
	again.JSON(t, &second)
	if again.Status != http.StatusOK || second != receipt {
		t.Errorf("retry: %d %+v, want 200 %+v", again.Status, second, receipt)
	}
	cs, err := stack.store.ListContributions(t.Context(), store.ContributionFilter{ProcessID: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("%d contributions stored, want 1", len(cs))
	}

	var view wire.Contribution
	got := a.do("GET", "/v1/contributions/"+receipt.Tracking, "", nil)
	got.JSON(t, &view)
	if got.Status != http.StatusOK || view.Body != body["body"] || view.Party != "MEX" || view.Role != "member-state" || view.Withheld {
		t.Errorf("GET: %d %+v", got.Status, view)
	}
}

func TestSubmitConcurrentRetries(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := openConsultation(t)
	che := a.token(MemberState, "CHE", "")
	key := newKey()
	const n = 10
	receipts := make([]process.Receipt, n)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", a.hs.URL+contributionsPath(id, "ts1"),
				strings.NewReader(`{"title":"Switzerland","body":"One text, sent ten times."}`))
			req.Header.Set("Authorization", "Bearer "+che)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", key)
			res, err := a.hs.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			statuses[i] = res.StatusCode
			if err := json.NewDecoder(res.Body).Decode(&receipts[i]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	created := 0
	for i := range n {
		if statuses[i] == http.StatusCreated {
			created++
		}
		if receipts[i] != receipts[0] || (statuses[i] != http.StatusCreated && statuses[i] != http.StatusOK) {
			t.Errorf("request %d: %d %+v, want the receipt %+v", i, statuses[i], receipts[i], receipts[0])
		}
	}
	if created != 1 {
		t.Errorf("%d requests got 201, want 1", created)
	}
	cs, err := stack.store.ListContributions(t.Context(), store.ContributionFilter{ProcessID: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("%d contributions stored, want 1", len(cs))
	}
}

// TestSubmitAfterTheDeadline moves a window's deadline to three seconds from
// now, as the PGA's office would: a submission before it is taken, one at
// it (on the API's clock, moved on) is refused and not stored, before and
// after the workflow seals the window.
func TestSubmitAfterTheDeadline(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a := newAPIServerWith(t, Options{Now: clock.Now})
	id := openConsultation(t)
	fra := a.token(MemberState, "FRA", "")
	body := map[string]string{"title": "France", "body": "On time."}
	// Submitted before the deadline is brought forward, so that a slow
	// machine cannot make it late.
	if res := a.do("POST", contributionsPath(id, "ts1"), fra, body, "Idempotency-Key", newKey()); res.Status != http.StatusCreated {
		t.Fatalf("before the deadline: %d %s", res.Status, res.Body)
	}
	closes := time.Now().Add(3 * time.Second).Round(0) // on the wall clock, as the store compares times
	h, err := stack.temporal.UpdateWorkflow(t.Context(), client.UpdateWorkflowOptions{
		WorkflowID: workflows.StageWorkflowID(id, "ts1"), UpdateName: workflows.UpdateSetDeadline,
		Args: []any{workflows.SetDeadlineRequest{Closes: closes, Reason: "test"}}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(t.Context(), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	// The workflow moves the intake's deadline after the update: wait for
	// the store to show it, then move the API's clock to it.
	stacktest.Eventually(t, awaitTimeout, func() error {
		w, err := stack.store.GetWindow(t.Context(), id, "ts1")
		if err == nil && w.ClosesAt.After(closes) {
			err = fmt.Errorf("the window closes at %s, not yet at %s", w.ClosesAt, closes)
		}
		return err
	})
	clock.Advance(closes.Sub(clock.Now()))
	late := map[string]string{"title": "France", "body": "Too late."}
	if res := a.do("POST", contributionsPath(id, "ts1"), fra, late, "Idempotency-Key", newKey()); res.Status != http.StatusConflict {
		t.Fatalf("after the deadline: %d %s, want 409", res.Status, res.Body)
	}
	waitWindow(t, id, "ts1", process.WindowSealed)
	res := a.do("POST", contributionsPath(id, "ts1"), fra, late, "Idempotency-Key", newKey())
	if res.Status != http.StatusConflict {
		t.Fatalf("after the seal: %d %s, want 409", res.Status, res.Body)
	}
	var p wire.Problem
	res.JSON(t, &p)
	if p.Type != wire.ProblemTypePrefix+"conflict" || !strings.Contains(p.Detail, "closed") {
		t.Errorf("problem %+v", p)
	}
	// Without a body either, it is told the window is closed, not what it lacks.
	res = a.do("POST", contributionsPath(id, "ts1"), fra, map[string]string{"title": "France"}, "Idempotency-Key", newKey())
	if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "closed at") {
		t.Errorf("an empty body after the seal: %d %s, want 409 closed", res.Status, res.Body)
	}
	cs, err := stack.store.ListContributions(t.Context(), store.ContributionFilter{ProcessID: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Body != "On time." {
		t.Fatalf("stored %+v, want only the one on time", cs)
	}
}

func TestSubmitRefused(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := openConsultation(t)
	mex := a.token(MemberState, "MEX", "")
	unaccredited := a.token(Stakeholder, "ngo-"+newKey(), "")
	pga := a.token(PGAOffice, "PGA", "")
	ok := map[string]string{"title": "T", "body": "B"}
	textOf := func(n int) []byte { return bytes.Repeat([]byte("a"), n) }
	bigAttachment, bigType := multipartBody(t, map[string]string{"title": "T"}, &filePart{"big.txt", "text/plain", textOf(maxAttachment + 1)})
	bigField, bigFieldType := multipartBody(t, map[string]string{"title": "T", "body": string(textOf(maxBody + 1))}, nil)
	for _, tt := range []struct {
		name   string
		token  string
		stage  string
		body   any
		header []string
		want   int
	}{
		{"no token", "", "ts1", ok, []string{"Idempotency-Key", newKey()}, http.StatusUnauthorized},
		{"wrong role", pga, "ts1", ok, []string{"Idempotency-Key", newKey()}, http.StatusForbidden},
		{"not accredited", unaccredited, "ts1", ok, []string{"Idempotency-Key", newKey()}, http.StatusUnprocessableEntity},
		{"no idempotency key", mex, "ts1", ok, nil, http.StatusBadRequest},
		{"key too long", mex, "ts1", ok, []string{"Idempotency-Key", strings.Repeat("k", 129)}, http.StatusBadRequest},
		{"key not ASCII", mex, "ts1", ok, []string{"Idempotency-Key", "clé"}, http.StatusBadRequest},
		{"text/plain", mex, "ts1", []byte("T\nB"), []string{"Idempotency-Key", newKey(), "Content-Type", "text/plain"}, http.StatusUnsupportedMediaType},
		{"no title", mex, "ts1", map[string]string{"body": "B"}, []string{"Idempotency-Key", newKey()}, http.StatusBadRequest},
		{"unknown field", mex, "ts1", map[string]string{"title": "T", "body": "B", "party": "USA"}, []string{"Idempotency-Key", newKey()}, http.StatusBadRequest},
		{"body over 64 KiB", mex, "ts1", map[string]string{"title": "T", "body": string(textOf(maxBody + 1))}, []string{"Idempotency-Key", newKey()}, http.StatusRequestEntityTooLarge},
		{"multipart body over 64 KiB", mex, "ts1", bigField, []string{"Idempotency-Key", newKey(), "Content-Type", bigFieldType}, http.StatusRequestEntityTooLarge},
		{"attachment over 10 MiB", mex, "ts1", bigAttachment, []string{"Idempotency-Key", newKey(), "Content-Type", bigType}, http.StatusRequestEntityTooLarge},
		{"no such stage", mex, "ts9", ok, []string{"Idempotency-Key", newKey()}, http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := a.do("POST", contributionsPath(id, tt.stage), tt.token, tt.body, tt.header...)
			if res.Status != tt.want {
				t.Fatalf("got %d %s, want %d", res.Status, res.Body, tt.want)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
	cs, err := stack.store.ListContributions(t.Context(), store.ContributionFilter{ProcessID: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 0 {
		t.Fatalf("refused submissions stored: %+v", cs)
	}
}

func TestSubmitAttachments(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := openConsultation(t)
	org := "ngo-" + newKey()
	accredit(t, id, org)
	ngo := a.token(Stakeholder, org, "")
	for _, tt := range []struct {
		name     string
		file     filePart
		want     int
		wantType string
	}{
		{"PDF", filePart{"paper.pdf", "application/pdf", minimalPDF}, http.StatusCreated, typePDF},
		{"DOCX", filePart{"paper.docx", "application/octet-stream", minimalDOCX(t)}, http.StatusCreated, typeDOCX},
		{"text", filePart{"notes", "application/octet-stream", []byte("Plain notes, é and ✓.\n")}, http.StatusCreated, typeText},
		{"PNG named .pdf", filePart{"paper.pdf", "application/pdf", pngHeader}, http.StatusUnsupportedMediaType, ""},
		{"ZIP without a document", filePart{"paper.docx", typeDOCX, zipOf(t, "xl/workbook.xml")}, http.StatusUnsupportedMediaType, ""},
		{"binary", filePart{"paper.txt", "text/plain", []byte("text\x00with a NUL")}, http.StatusUnsupportedMediaType, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, ct := multipartBody(t, map[string]string{"title": tt.name, "body": "See the attachment."}, &tt.file)
			res := a.do("POST", contributionsPath(id, "ts1"), ngo, body, "Idempotency-Key", newKey(), "Content-Type", ct)
			if res.Status != tt.want {
				t.Fatalf("got %d %s, want %d", res.Status, res.Body, tt.want)
			}
			if tt.want != http.StatusCreated {
				return
			}
			var receipt process.Receipt
			res.JSON(t, &receipt)
			var view wire.Contribution
			a.do("GET", "/v1/contributions/"+receipt.Tracking, "", nil).JSON(t, &view)
			if view.Attachment == nil || view.Attachment.Type != tt.wantType || view.Attachment.Size != len(tt.file.data) {
				t.Fatalf("view %+v", view)
			}
			dl := a.do("GET", view.Attachment.Href, "", nil)
			if dl.Status != http.StatusOK || !bytes.Equal(dl.Body, tt.file.data) || dl.Header.Get("Content-Type") != tt.wantType ||
				dl.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment;") {
				t.Errorf("download: %d %v", dl.Status, dl.Header)
			}
		})
	}
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := openConsultation(t)
	mex, che := a.token(MemberState, "MEX", ""), a.token(MemberState, "CHE", "")
	res := a.do("POST", contributionsPath(id, "ts1"), mex, map[string]string{"title": "T", "body": "B"}, "Idempotency-Key", newKey())
	var receipt process.Receipt
	res.JSON(t, &receipt)
	path := "/v1/contributions/" + receipt.Tracking

	for _, tt := range []struct {
		token string
		want  int
	}{{"", http.StatusUnauthorized}, {che, http.StatusNotFound}, {mex, http.StatusNoContent}, {mex, http.StatusNoContent}} {
		if res := a.do("DELETE", path, tt.token, nil); res.Status != tt.want {
			t.Fatalf("DELETE: %d %s, want %d", res.Status, res.Body, tt.want)
		}
	}
	if res := a.do("DELETE", "/v1/contributions/NOPE-TS1-000001", mex, nil); res.Status != http.StatusNotFound {
		t.Errorf("DELETE of none: %d", res.Status)
	}
	// Withdrawn, its text is its submitter's again.
	var observer, submitter wire.Contribution
	a.do("GET", path, "", nil).JSON(t, &observer)
	if !observer.Withdrawn || !observer.Withheld || observer.Body != "" {
		t.Errorf("observer sees %+v", observer)
	}
	a.do("GET", path, mex, nil).JSON(t, &submitter)
	if !submitter.Withdrawn || submitter.Withheld || submitter.Body != "B" {
		t.Errorf("submitter sees %+v", submitter)
	}
}

// seedPrivateWindow stores a process straight into the read model with an
// open window whose contributions are not published.
func seedPrivateWindow(t *testing.T) (processID string) {
	t.Helper()
	id, code := uniqueID("private")
	ctx := t.Context()
	now := time.Now()
	for _, err := range []error{
		stack.store.PutProcess(ctx, process.Process{ID: id, TemplateID: id, Title: "Private", Code: code, Status: "running", CreatedAt: now}),
		stack.store.PutWindow(ctx, process.ContributionWindow{ProcessID: id, StageID: "inputs", Code: "IN",
			State: process.WindowOpen, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour)}),
		stack.store.PutWindow(ctx, process.ContributionWindow{ProcessID: id, StageID: "hearing", Code: "HE",
			State: process.WindowOpen, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), Public: true}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func TestListContributions(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := seedPrivateWindow(t)
	mex, che := a.token(MemberState, "MEX", ""), a.token(MemberState, "CHE", "")
	org := "ngo-" + newKey()
	accredit(t, id, org)
	ngo := a.token(Stakeholder, org, "")
	submit := func(token, stage, body string) string {
		t.Helper()
		res := a.do("POST", contributionsPath(id, stage), token, map[string]string{"title": body, "body": body}, "Idempotency-Key", newKey())
		if res.Status != http.StatusCreated {
			t.Fatalf("POST: %d %s", res.Status, res.Body)
		}
		var r process.Receipt
		res.JSON(t, &r)
		return r.Tracking
	}
	mexPrivate := submit(mex, "inputs", "Mexico, private")
	chePrivate := submit(che, "inputs", "Switzerland, private")
	ngoPublic := submit(ngo, "hearing", "NGO, public")
	chePublic := submit(che, "hearing", "Switzerland, public")

	list := func(token, query string) wire.ContributionPage {
		t.Helper()
		res := a.do("GET", "/v1/processes/"+id+"/contributions"+query, token, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", query, res.Status, res.Body)
		}
		var page wire.ContributionPage
		res.JSON(t, &page)
		return page
	}
	// Who sees which bodies.
	for _, tt := range []struct {
		name  string
		token string
		shown map[string]bool
	}{
		{"observer", "", map[string]bool{ngoPublic: true, chePublic: true}},
		{"Mexico", mex, map[string]bool{mexPrivate: true, ngoPublic: true, chePublic: true}},
		{"Switzerland", che, map[string]bool{chePrivate: true, ngoPublic: true, chePublic: true}},
	} {
		page := list(tt.token, "")
		if len(page.Contributions) != 4 || page.Next != "" {
			t.Fatalf("%s: %d contributions, next %q", tt.name, len(page.Contributions), page.Next)
		}
		for _, c := range page.Contributions {
			if shown := c.Body != ""; shown != tt.shown[c.Tracking] || shown == c.Withheld || c.Title == "" {
				t.Errorf("%s sees %+v", tt.name, c)
			}
		}
	}

	// Paging, and the filters.
	first := list("", "?limit=3")
	if len(first.Contributions) != 3 || first.Next != first.Contributions[2].Tracking {
		t.Fatalf("first page: %+v", first)
	}
	rest := list("", "?limit=3&after="+first.Next)
	if len(rest.Contributions) != 1 || rest.Next != "" {
		t.Fatalf("second page: %+v", rest)
	}
	if page := list("", "?stage=hearing&party=CHE"); len(page.Contributions) != 1 || page.Contributions[0].Tracking != chePublic {
		t.Errorf("filtered: %+v", page)
	}
	for _, q := range []string{"?limit=0", "?limit=501", "?limit=x"} {
		if res := a.do("GET", "/v1/processes/"+id+"/contributions"+q, "", nil); res.Status != http.StatusBadRequest {
			t.Errorf("%s: %d", q, res.Status)
		}
	}
	if res := a.do("GET", "/v1/processes/nope/contributions", "", nil); res.Status != http.StatusNotFound {
		t.Errorf("unknown process: %d", res.Status)
	}

	// One contribution, and its attachment, by the same rule.
	var other, own wire.Contribution
	a.do("GET", "/v1/contributions/"+mexPrivate, che, nil).JSON(t, &other)
	if !other.Withheld || other.Body != "" {
		t.Errorf("Switzerland sees Mexico's private contribution: %+v", other)
	}
	a.do("GET", "/v1/contributions/"+mexPrivate, mex, nil).JSON(t, &own)
	if own.Withheld || own.Body != "Mexico, private" {
		t.Errorf("Mexico sees its own as %+v", own)
	}
	if res := a.do("GET", "/v1/contributions/NOPE-IN-000001", "", nil); res.Status != http.StatusNotFound {
		t.Errorf("unknown contribution: %d", res.Status)
	}
}

// decodeCase is a request body for decodeContribution.
type decodeCase struct {
	name        string
	contentType string
	body        []byte
	kind        process.Kind // of the error; Internal for none
}

func decodeCases(t testing.TB) []decodeCase {
	multi := func(fields map[string]string, file *filePart) ([]byte, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.SetBoundary("b0undary")
		for _, k := range []string{"title", "body", "party"} {
			if v, ok := fields[k]; ok {
				mw.WriteField(k, v)
			}
		}
		if file != nil {
			w, _ := mw.CreateFormFile("attachment", file.name)
			w.Write(file.data)
		}
		mw.Close()
		return buf.Bytes(), mw.FormDataContentType()
	}
	pdf, pdfType := multi(map[string]string{"title": "T"}, &filePart{name: "a.pdf", data: minimalPDF})
	docx, docxType := multi(map[string]string{"title": "T", "body": "B"}, &filePart{name: "a.docx", data: minimalDOCX(t)})
	png, pngType := multi(map[string]string{"title": "T"}, &filePart{name: "a.pdf", data: pngHeader})
	unknown, unknownType := multi(map[string]string{"title": "T", "body": "B", "party": "USA"}, nil)
	noBody, noBodyType := multi(map[string]string{"title": "T"}, nil)
	noFile, noFileType := multi(map[string]string{"title": "T", "body": "B"}, &filePart{name: ""})
	return []decodeCase{
		{"JSON", "application/json", []byte(`{"title":"T","body":"B"}`), process.Internal},
		{"JSON with charset", "application/json; charset=utf-8", []byte(`{"title":"T","body":"B"}`), process.Internal},
		{"multipart PDF", pdfType, pdf, process.Internal},
		{"multipart DOCX", docxType, docx, process.Internal},
		{"multipart PNG", pngType, png, process.Unsupported},
		{"multipart unknown field", unknownType, unknown, process.Invalid},
		{"multipart without body", noBodyType, noBody, process.Invalid},
		{"multipart with no file chosen", noFileType, noFile, process.Internal},
		{"multipart twice", "multipart/form-data; boundary=x",
			[]byte("--x\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nA\r\n--x\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nB\r\n--x--\r\n"), process.Invalid},
		{"multipart truncated", "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nA"), process.Invalid},
		{"multipart without boundary", "multipart/form-data", []byte("--x--"), process.Invalid},
		{"NUL in the title", "application/json", []byte(`{"title":"a\u0000b","body":"B"}`), process.Invalid},
		{"two objects", "application/json", []byte(`{"title":"T","body":"B"}{}`), process.Invalid},
		{"empty", "application/json", nil, process.Invalid},
		{"form", "application/x-www-form-urlencoded", []byte("title=T&body=B"), process.Unsupported},
		{"no type", "", []byte(`{"title":"T","body":"B"}`), process.Unsupported},
	}
}

func decodeRequest(contentType string, body []byte) *http.Request {
	r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	return r
}

func TestDecodeContribution(t *testing.T) {
	for _, tc := range decodeCases(t) {
		in, err := decodeContribution(httptest.NewRecorder(), decodeRequest(tc.contentType, tc.body))
		switch {
		case tc.kind == process.Internal && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.kind != process.Internal && process.KindOf(err) != tc.kind:
			t.Errorf("%s: got %+v, %v; want a %v error", tc.name, in, err, tc.kind)
		}
	}
}

// FuzzDecodeContribution checks that any body decodes to a valid
// contribution or is refused as the client's fault, never panics.
func FuzzDecodeContribution(f *testing.F) {
	for _, tc := range decodeCases(f) {
		f.Add(tc.contentType, tc.body)
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		in, err := decodeContribution(httptest.NewRecorder(), decodeRequest(contentType, body))
		if err != nil {
			if k := process.KindOf(err); k != process.Invalid && k != process.TooLarge && k != process.Unsupported {
				t.Fatalf("a %v error: %v", k, err)
			}
			return
		}
		if in.validate() != nil {
			t.Fatalf("decoded an invalid contribution %+v", in)
		}
		if len(in.Attachment) > 0 {
			if typ, err := sniffAttachment(in.Attachment); err != nil || typ != in.AttachmentType {
				t.Fatalf("attachment typed %q, sniffed %q, %v", in.AttachmentType, typ, err)
			}
		} else if in.AttachmentType != "" {
			t.Fatalf("a type without an attachment: %q", in.AttachmentType)
		}
	})
}

// TestAClosedWindowNamesItsDeadlineAtTheVenue: a Geneva session's intake,
// once its deadline has passed, refuses with that deadline in Geneva's
// zone, named, and the instant in UTC, as the stage's pages show it;
// whether the body would do or not.
func TestAClosedWindowNamesItsDeadlineAtTheVenue(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id, code := uniqueID("geneva")
	tmpl := testTemplate(id, code, time.Now())
	for i, sg := range tmpl.Phases[0].Stages {
		if sg.ID == "ts1" {
			tmpl.Phases[0].Stages[i].TimeZone = "Europe/Zurich"
		}
	}
	startProcess(t, tmpl)
	win := waitWindow(t, id, "ts1", process.WindowOpen)
	// It closed at 17:30 in Geneva, winter time, on 1 March 2026.
	win.OpensAt, win.ClosesAt = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC)
	if err := stack.store.PutWindow(t.Context(), win); err != nil {
		t.Fatal(err)
	}
	want := "window " + win.Code + " closed at 2026-03-01 17:30 Europe/Zurich (2026-03-01T16:30:00Z)"
	fra := a.token(MemberState, "FRA", "")
	for _, tc := range []struct {
		name string
		body map[string]string
	}{{"a contribution", map[string]string{"title": "France", "body": "Too late."}}, {"an empty body", map[string]string{"title": "France"}}} {
		res := a.do("POST", contributionsPath(id, "ts1"), fra, tc.body, "Idempotency-Key", newKey())
		wantProblem(t, tc.name, res, http.StatusConflict)
		if d := problemOf(t, res).Detail; d != want {
			t.Errorf("%s: %q, want %q", tc.name, d, want)
		}
	}
}
