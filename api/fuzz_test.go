package api

import (
	"bytes"
	"cmp"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzRequestBodies sends arbitrary bodies to every route that decodes
// JSON, as the role it admits: whatever the body, the answer is a success
// or a problem+json client error, never a server error or a crash. The
// routes are POST unless their method says otherwise.
func FuzzRequestBodies(f *testing.F) {
	routes := []struct {
		role   Role
		path   string
		method string
	}{
		{PGAOffice, "/v1/processes", ""},
		{PGAOffice, "/v1/processes/{p}/stages", ""},
		{PGAOffice, "/v1/processes/{p}/stages/ts1/reschedule", ""},
		{PGAOffice, "/v1/processes/{p}/stages/ts1/cancel", ""},
		{PGAOffice, "/v1/processes/{p}/stages/ts1/window", ""},
		{PGAOffice, "/v1/processes/{p}/stages/ts1/move", ""},
		{PGAOffice, "/v1/processes/{p}/stages/ts1/extend", ""},
		{PGAOffice, "/v1/processes/{p}/stages/ts1/venue", ""},
		{PGAOffice, "/v1/processes/{p}/stages/conference/outcome", ""},
		{PGAOffice, "/v1/processes/{p}/co-facilitators", ""},
		{PGAOffice, "/v1/processes/{p}/stages/acc/circulate", ""},
		{PGAOffice, "/v1/tokens", ""},
		{PGAOffice, "/v1/processes/{p}/stages/zero/drafts", ""},
		{Stakeholder, "/v1/processes/{p}/applications", ""},
		{Stakeholder, "/v1/processes/{p}/stages/ts1/contributions", ""},
		{MemberState, "/v1/processes/{p}/stages/acc/objections", ""},
		{MemberState, "/v1/processes/{p}/stages/zero/amendments", ""},
		{Stakeholder, "/v1/processes/{p}/subscriptions", ""},
		{PGAOffice, "/v1/processes/{p}/subscriptions", ""},
		{PGAOffice, "/v1/unsubscribe", ""},
		{PGAOffice, "/v1/tokens/tok_none/rotate", ""},
		{PGAOffice, "/v1/processes/{p}/applications/org-fuzz/ecosoc", ""},
		{MemberState, "/v1/processes/{p}/text/amendments", ""},
		{MemberState, "/v1/processes/{p}/text/amendments/MEX-fuzz/cosponsors", ""},
		{MemberState, "/v1/processes/{p}/text/amendments/MEX-fuzz/position", "PUT"},
		{PGAOffice, "/v1/processes/{p}/text/amendments/MEX-fuzz/decision", "PUT"},
		{PGAOffice, "/v1/processes/{p}/text/revisions/0/paragraphs/OP1/mark", "PUT"},
		{MemberState, "/v1/processes/{p}/stages/ts1/silence/break", ""},
	}
	for i := range routes {
		for _, seed := range []string{`{}`, `{"start":"2031-01-01"}`, `{"closes":"2031-01-01T00:00:00Z"}`, `{"open":true}`, `{"opens":"2031-01-01T00:00:00Z","close":true}`,
			`{"method":"recorded-vote","votes":{"MEX":"yes"}}`, `{"state":"MEX"}`, `{"title":"t","body":"b"}`,
			`{"days":2,"reason":"r"}`, `{"place":"Vienna","timeZone":"Europe/Vienna","reason":"r"}`,
			`{"role":"stakeholder","party":"x"}`, `{"graceSeconds":60,"expiresAt":"2031-01-01T00:00:00Z"}`, `{"revision":0,"paragraphs":["a"]}`, `{"match":true}`,
			`{"kind":"replace","paragraph":"OP1","text":"t","sponsor":"MEX"}`, `{"stance":"support","statement":"s"}`,
			`{"outcome":"merged","text":"t"}`, `{"status":"agreed-ad-ref"}`, `{"letter":"l"}`, `[]`, `null`, `{"a":`, "\x00",
			`{"address":"fp@mission.example","language":"fr","mode":"daily","topics":["windows"]}`,
			`{"channel":"webhook","address":"https://ngo.example/hook","ownerEmail":"it@ngo.example"}`} {
			f.Add(uint8(i), []byte(seed))
		}
	}
	a := newAPIServer(f)
	id, code := uniqueID("fuzz")
	tokens := map[Role]string{}
	for _, role := range []Role{PGAOffice, Stakeholder, MemberState} {
		party := map[Role]string{PGAOffice: "PGA", Stakeholder: "org-fuzz", MemberState: "MEX"}[role]
		tokens[role] = a.token(role, party, "")
	}
	res := a.do("POST", "/v1/processes", tokens[PGAOffice], inlineProcess(testTemplate(id, code, time.Now().Add(time.Hour).UTC().Truncate(time.Second))))
	if res.Status != http.StatusCreated {
		f.Fatalf("create process: %d %s", res.Status, res.Body)
	}
	handler := a.s.Handler()
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		r := routes[int(route)%len(routes)]
		method := cmp.Or(r.method, "POST")
		req := httptest.NewRequest(method, strings.ReplaceAll(r.path, "{p}", id), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tokens[r.role])
		req.Header.Set("Idempotency-Key", "fuzz")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, r.path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s %s %q: %d without problem+json", method, r.path, body, rec.Code)
		}
	})
}

// FuzzQueryParameters sends arbitrary query strings to the routes that read
// parameters: a success or a problem+json client error, never a 5xx.
func FuzzQueryParameters(f *testing.F) {
	paths := []string{
		"/v1/processes/{p}/contributions", "/v1/processes/{p}/contributions.csv", "/v1/processes/{p}/contributions.json",
		"/v1/processes/{p}/record", "/v1/processes/{p}/record.csv", "/v1/processes/{p}/calendar.ics",
		"/v1/processes/{p}/documents/draft/diff", "/v1/processes/{p}/applications",
		"/v1/unsubscribe", "/v1/subscriptions/confirm",
		"/v1/calendar", "/v1/calendar.ics", "/v1/processes/{p}/search", "/v1/processes/{p}/groups",
		"/v1/processes/{p}/text/compilation", "/v1/processes/{p}/text/diff", "/v1/processes/{p}/text/amendments",
	}
	for i := range paths {
		for _, seed := range []string{"", "limit=1", "limit=-1&after=x", "stage=ts1&party=MEX", "after=99999999999999999999",
			"from=0&to=1", "kind=thematic-session", "kind=%00", "state=approved", "limit=1e3", "%zz",
			"token=eyJyIjoiYSJ9.AAAA", "token=..", "token=%ff.", "from=2031-01-01&to=2030-01-01", "q=migration+-asylum",
			"q=%22safe+and%22&offset=400&limit=100", "revision=0&format=akn", "format=x"} {
			f.Add(uint8(i), seed)
		}
	}
	a := newAPIServer(f)
	id, code := uniqueID("fuzzq")
	pga := a.token(PGAOffice, "PGA", "")
	if res := a.do("POST", "/v1/processes", pga, inlineProcess(testTemplate(id, code, time.Now().Add(time.Hour).UTC().Truncate(time.Second)))); res.Status != http.StatusCreated {
		f.Fatalf("create process: %d %s", res.Status, res.Body)
	}
	handler := a.s.Handler()
	f.Fuzz(func(t *testing.T, path uint8, query string) {
		target := strings.ReplaceAll(paths[int(path)%len(paths)], "{p}", id)
		req := httptest.NewRequest("GET", target, nil)
		req.URL.RawQuery = query
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s?%s: %d %s", target, query, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("GET %s?%s: %d without problem+json", target, query, rec.Code)
		}
	})
}
