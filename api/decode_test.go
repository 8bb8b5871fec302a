package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/compact-un/compact/wire"
)

// TestStrictInput sends what encoding/json would take and quietly repair:
// each is refused with a problem that names the field, and a name that
// only looks different is stored composed.
func TestStrictInput(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga, org := a.token(PGAOffice, "PGA", ""), a.token(Stakeholder, "org-strict", "")
	for _, c := range []struct {
		name, token, path, body, field string
	}{
		{"invalid UTF-8", pga, "/v1/tokens", "{\"role\":\"stakeholder\",\"party\":\"Org\xff\"}", "party: "},
		{"a lone surrogate", pga, "/v1/tokens", `{"role":"stakeholder","party":"Org\ud800"}`, "party: "},
		{"a lone low surrogate", pga, "/v1/tokens", `{"role":"stakeholder","label":"x\udc00y","party":"Org"}`, "label: "},
		{"invalid UTF-8 in free text", org, "/v1/processes/p/stages/s/contributions",
			"{\"title\":\"t\",\"body\":\"caf\xe9\"}", "body: "},
		{"invalid UTF-8 in a list", pga, "/v1/processes/p/stages/s/drafts",
			"{\"revision\":0,\"paragraphs\":[\"a\",\"b\xc0\"]}", "paragraphs[1]: "},
		{"a bidirectional override", pga, "/v1/tokens", `{"role":"stakeholder","party":"Org\u202Egro"}`, "party: "},
		{"an isolate", org, "/v1/processes/p/applications", `{"name":"\u2066Org\u2069","category":"academia"}`, "name: "},
		{"a zero-width space", pga, "/v1/tokens", `{"role":"stakeholder","party":"Am\u200Bnesty"}`, "party: "},
		{"a control character", pga, "/v1/tokens", `{"role":"stakeholder","party":"Org\u0007"}`, "party: "},
		{"an overlong name", org, "/v1/processes/p/applications", `{"name":"` + strings.Repeat("名", 301) + `","category":"academia"}`, "name: "},
		{"a date before 1945", pga, "/v1/processes", `{"template":"gcm-2018","id":"strict-1900","code":"S19","startsOn":"1900-01-01"}`, "startsOn: "},
		{"a date after 2100", pga, "/v1/processes", `{"template":"gcm-2018","id":"strict-2101","code":"S21","startsOn":"2101-01-01"}`, "startsOn: "},
	} {
		res := a.do("POST", c.path, c.token, []byte(c.body), "Idempotency-Key", newKey())
		var p wire.Problem
		res.JSON(t, &p)
		if res.Status != http.StatusBadRequest || res.Header.Get("Content-Type") != "application/problem+json" ||
			!strings.HasPrefix(p.Detail, c.field) {
			t.Errorf("%s: %d %+v, want 400 naming %q", c.name, res.Status, p, c.field)
		}
	}

	res := a.do("POST", "/v1/tokens", pga, []byte(`{"role":"stakeholder","party":"  Cafe\u0301 Migrants "}`))
	var tok wire.IssuedToken
	res.JSON(t, &tok)
	if res.Status != http.StatusCreated || tok.Party != "Café Migrants" {
		t.Fatalf("a decomposed name: %d, party %q; want 201 and it composed (NFC) and trimmed", res.Status, tok.Party)
	}
}
