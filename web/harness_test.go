package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
	"github.com/compact-un/compact/temporal/embedded"
	"github.com/compact-un/compact/worker"
)

// The pages' tests run the API and the site, mounted as compact serve
// mounts them, over a real embedded Temporal server, a worker and SQLite,
// shared by the package's tests: each test makes its own processes.
var stack struct {
	temporal client.Client
	store    store.Store
}

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "compact-web-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv, err := embedded.Start(embedded.Options{DataDir: filepath.Join(dir, "temporal"), Namespace: "default"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.Address(), Namespace: "default"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer c.Close()
	db, err := sqlite.Open(filepath.Join(dir, "compact.db"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	w := worker.New(c, activities.New(db))
	if err := w.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer w.Stop()
	stack.temporal, stack.store = c, db
	return m.Run()
}

// testSite is the API with the pages mounted on it, over the shared stack.
type testSite struct {
	t    testing.TB
	hs   *httptest.Server
	site *Site
}

// testKey is the session key of every test site: sessions survive a new
// site, as they survive a restart or another replica with the same key.
var testKey = bytes.Repeat([]byte("k"), MinSessionKey)

func newTestSite(t testing.TB) *testSite {
	t.Helper()
	ts := &testSite{t: t}
	a := api.New(api.Options{Temporal: stack.temporal, Store: stack.store, Pages: func(h http.Handler) http.Handler {
		ts.site = New(Options{API: h, SessionKey: testKey})
		return ts.site
	}})
	ts.hs = httptest.NewServer(a.Handler())
	t.Cleanup(ts.hs.Close)
	return ts
}

// URL is the site's base address.
func (ts *testSite) URL() string { return ts.hs.URL }

// token issues a token straight into the store.
func (ts *testSite) token(role api.Role, party, processID string) string {
	ts.t.Helper()
	secret, tok, err := api.NewToken(role, party, processID, "web test", time.Now())
	if err != nil {
		ts.t.Fatal(err)
	}
	if err := stack.store.CreateToken(context.Background(), tok); err != nil {
		ts.t.Fatal(err)
	}
	return secret
}

// apiCall calls the JSON API directly, as a client other than the pages.
func (ts *testSite) apiCall(method, path, token string, body, out any) int {
	ts.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			ts.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, ts.hs.URL+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := ts.hs.Client().Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			ts.t.Fatalf("%s %s: %d %s: %v", method, path, res.StatusCode, b, err)
		}
	}
	return res.StatusCode
}

var uniq atomic.Int64

// launch creates a process from a small template that starts an hour from
// now (see testTemplate) and waits until its workflow has registered it.
func (ts *testSite) launch(prefix string) (id string) {
	ts.t.Helper()
	id, code := uniqueIDs(prefix)
	return ts.launchTemplate(testTemplate(id, code, time.Now().Add(time.Hour).UTC().Truncate(time.Second)))
}

// launchTemplate creates a process from tmpl over the API, as the PGA's
// office, and waits until its workflow has registered it.
func (ts *testSite) launchTemplate(tmpl process.Template) (id string) {
	ts.t.Helper()
	pga := ts.token(api.PGAOffice, "PGA", "")
	if st := ts.apiCall("POST", "/v1/processes", pga, map[string]any{"templateBody": tmpl, "id": tmpl.ID, "code": tmpl.Code}, nil); st != http.StatusCreated {
		ts.t.Fatalf("create process %s: %d", tmpl.ID, st)
	}
	ts.await("process "+tmpl.ID+" registered", func() bool { return recorded(tmpl.ID, "", "process.created") })
	return tmpl.ID
}

// uniqueIDs makes a process ID and a tracking code no other test uses.
func uniqueIDs(prefix string) (id, code string) {
	n := uniq.Add(1)
	return fmt.Sprintf("%s-%d", prefix, n), fmt.Sprintf("W%d", n)
}

// settle bounds a wait for the workflows to catch up.
const settle = 30 * time.Second

// await polls cond until it holds.
func (ts *testSite) await(what string, cond func() bool) {
	ts.t.Helper()
	for deadline := time.Now().Add(settle); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			ts.t.Fatalf("after %s: still waiting for %s", settle, what)
		}
	}
}

// recorded reports whether a stage's event is in a process's record.
func recorded(processID, stageID, event string) bool {
	entries, err := stack.store.Entries(context.Background(), processID, 0)
	return err == nil && slices.ContainsFunc(entries, func(e process.RecordEntry) bool {
		return e.StageID == stageID && e.Event == event
	})
}

// testTemplate is a small real-time process: an accreditation window, a
// thematic session with its window, drafts around a round, a conference.
func testTemplate(id, code string, start time.Time) process.Template {
	d := func(days float64) process.Date {
		return process.Date{Time: start.Add(time.Duration(days * float64(24*time.Hour))).UTC().Truncate(time.Second)}
	}
	return process.Template{
		ID: id, Title: "Web test process " + id, Code: code,
		Rules: process.Rules{NonObjectionDays: 2, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{
			{ID: "consultations", Title: "Consultations", Stages: []process.StageSpec{
				{ID: "acc", Kind: process.AccreditationWindow, Code: "ACC", Title: "Accreditation",
					Start: d(0), End: d(3), Window: &process.Window{Opens: d(0), Closes: d(3)}},
				{ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Thematic session 1", Theme: "Human rights",
					Place: "Geneva", Start: d(10), End: d(11), Window: &process.Window{Opens: d(0), Closes: d(10)}},
			}},
			{ID: "negotiations", Title: "Negotiations", Stages: []process.StageSpec{
				{ID: "zero", Kind: process.Draft, Title: "Zero draft", Start: d(20)},
				{ID: "round1", Kind: process.NegotiationRound, Title: "First round", Place: "New York", Start: d(21), End: d(22)},
				{ID: "rev1", Kind: process.Draft, Title: "Revision 1", Start: d(30)},
			}},
			{ID: "adoption", Title: "Adoption", Stages: []process.StageSpec{
				{ID: "conference", Kind: process.Conference, Title: "Conference", Place: "Marrakech", Start: d(40),
					Outcome: &process.Outcome{Method: "consensus", Adopted: 150}},
			}},
		},
	}
}

// browser is a client with a cookie jar that does not follow redirects, so
// that tests see each answer.
type browser struct {
	t    testing.TB
	ts   *testSite
	c    *http.Client
	last string // the last page's body, where forms find their CSRF token
}

func (ts *testSite) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: ts.t, ts: ts, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is an answer read whole.
type page struct {
	Status int
	Header http.Header
	Body   string
}

// get fetches path; header holds name, value pairs.
func (b *browser) get(path string, header ...string) page {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.ts.URL()+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token of the last page's forms.
func (b *browser) csrf() string {
	b.t.Helper()
	m := csrfInput.FindStringSubmatch(b.last)
	if m == nil {
		b.t.Fatalf("the last page has no form with a CSRF token")
	}
	return m[1]
}

// post submits a form as a browser would from one of the site's own pages:
// same origin, with the last page's CSRF token unless form sets one.
func (b *browser) post(path string, form url.Values, header ...string) page {
	b.t.Helper()
	if !form.Has("csrf") {
		form.Set("csrf", b.csrf())
	}
	req, err := http.NewRequest("POST", b.ts.URL()+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.ts.URL())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	p := page{Status: res.StatusCode, Header: res.Header, Body: string(body)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		b.last = p.Body
	}
	return p
}

// signIn signs the browser in with token through the sign-in form.
func (b *browser) signIn(token string) {
	b.t.Helper()
	b.get("/signin")
	if p := b.post("/signin", url.Values{"token": {token}, "next": {"/"}}); p.Status != http.StatusSeeOther {
		b.t.Fatalf("sign in: %d %s", p.Status, p.Body)
	}
}

// wantPage checks a page's status and that its body holds each of want.
func wantPage(t testing.TB, what string, p page, status int, want ...string) {
	t.Helper()
	if p.Status != status {
		t.Errorf("%s: status %d, want %d\n%s", what, p.Status, status, p.Body)
		return
	}
	for _, w := range want {
		if !strings.Contains(p.Body, w) {
			t.Errorf("%s: the page lacks %q", what, w)
		}
	}
	if strings.Contains(p.Body, "[[") {
		t.Errorf("%s: a message has no text: %s", what, p.Body[strings.Index(p.Body, "[["):][:min(80, len(p.Body)-strings.Index(p.Body, "[["))])
	}
}
