package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/contracttest"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
)

// The pages' tests run the API and the site, mounted as compact serve
// mounts them, over the shared test stack: each test makes its own
// processes.
var stack *stacktest.Stack

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	st, err := stacktest.Start(stacktest.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	stack = st
	doc, err := os.ReadFile("../api/openapi.json")
	if err == nil {
		traffic, err = contracttest.New(doc)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	if !traffic.Report(os.Stderr, false) && code == 0 {
		code = 1
	}
	return code
}

// traffic checks what the pages ask of the API, and its answers, against
// openapi.json.
var traffic *contracttest.Contract

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
	return newTestSiteWith(t, func(*api.Options) {})
}

// newTestSiteWith is newTestSite with the API's options changed by opt.
func newTestSiteWith(t testing.TB, opt func(*api.Options)) *testSite {
	t.Helper()
	ts := &testSite{t: t}
	o := api.Options{Temporal: stack.Temporal, Store: stack.Store, Pages: func(h http.Handler) http.Handler {
		ts.site = New(Options{API: traffic.Check(h), SessionKey: testKey})
		return ts.site
	}}
	opt(&o)
	a := api.New(o)
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
	return stacktest.Issue(ts.t, stack.Store, secret, tok, err)
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

// launch creates a process from a small template that starts an hour from
// now (stacktest.Template) and waits until its workflow has registered it.
func (ts *testSite) launch(prefix string) (id string) {
	ts.t.Helper()
	id, code := stacktest.UniqueID(prefix)
	return ts.launchTemplate(stacktest.Template(id, code, time.Now().Add(time.Hour)))
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

// settle bounds a wait for the workflows to catch up.
const settle = 30 * time.Second

// await polls cond until it holds.
func (ts *testSite) await(what string, cond func() bool) {
	ts.t.Helper()
	stacktest.Await(ts.t, settle, what, cond)
}

// recorded reports whether a stage's event is in a process's record.
func recorded(processID, stageID, event string) bool {
	return stacktest.Recorded(stack.Store, processID, stageID, event)
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
	text := html.UnescapeString(tag.ReplaceAllString(p.Body, "")) // a date reads whole across its <time>
	for _, w := range want {
		if !strings.Contains(p.Body, w) && !strings.Contains(text, w) {
			t.Errorf("%s: the page lacks %q", what, w)
		}
	}
	if strings.Contains(p.Body, "[[") {
		t.Errorf("%s: a message has no text: %s", what, p.Body[strings.Index(p.Body, "[["):][:min(80, len(p.Body)-strings.Index(p.Body, "[["))])
	}
}
