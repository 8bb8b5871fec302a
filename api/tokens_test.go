package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	party := "ngo-token-" + time.Now().Format("150405.000000")

	res := a.do("POST", "/v1/tokens", pga, map[string]string{"role": "stakeholder", "party": party, "label": "intake desk"})
	var issued wire.IssuedToken
	res.JSON(t, &issued)
	if res.Status != http.StatusCreated || !strings.HasPrefix(issued.Secret, "cpt_") || issued.ID == "" ||
		issued.Role != "stakeholder" || issued.Party != party || issued.Label != "intake desk" {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	if strings.Contains(string(res.Body), `"hash"`) {
		t.Fatalf("create shows the hash: %s", res.Body)
	}
	// The new token works, and only for its role.
	if res := a.do("GET", "/v1/processes", issued.Secret, nil); res.Status != http.StatusOK {
		t.Fatalf("the new token: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "a stakeholder makes a token", a.do("POST", "/v1/tokens", issued.Secret,
		map[string]string{"role": "pga-office", "party": "PGA"}), http.StatusForbidden)

	res = a.do("GET", "/v1/tokens", pga, nil)
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"id":"`+issued.ID+`"`) ||
		strings.Contains(string(res.Body), issued.Secret) || strings.Contains(string(res.Body), `"hash"`) {
		t.Fatalf("list: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "list as a stakeholder", a.do("GET", "/v1/tokens", issued.Secret, nil), http.StatusForbidden)
	wantProblem(t, "list with no token", a.do("GET", "/v1/tokens", "", nil), http.StatusUnauthorized)

	// A co-facilitator's token names a process that exists.
	processID, code := uniqueID("cofac")
	if err := stack.store.PutProcess(context.Background(), process.Process{ID: processID, TemplateID: "t", Title: "t",
		Code: code, Phase: "p", Status: "completed", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	res = a.do("POST", "/v1/tokens", pga, map[string]string{"role": "co-facilitator", "party": "IRL", "processId": processID})
	if res.Status != http.StatusCreated || !strings.Contains(string(res.Body), `"processId":"`+processID+`"`) {
		t.Fatalf("co-facilitator's token: %d %s", res.Status, res.Body)
	}
	for _, tc := range []struct {
		name   string
		token  string
		body   any
		header []string
		want   int
	}{
		{"no role", pga, map[string]string{"role": "observer", "party": "x"}, nil, http.StatusBadRequest},
		{"no party", pga, map[string]string{"role": "stakeholder"}, nil, http.StatusBadRequest},
		{"no such State", pga, map[string]string{"role": "member-state", "party": "XXX"}, nil, http.StatusBadRequest},
		{"co-facilitator of nothing", pga, map[string]string{"role": "co-facilitator", "party": "IRL"}, nil, http.StatusBadRequest},
		{"co-facilitator of no process", pga, map[string]string{"role": "co-facilitator", "party": "IRL", "processId": "no-such-process"}, nil, http.StatusUnprocessableEntity},
		{"long label", pga, map[string]string{"role": "stakeholder", "party": "x", "label": strings.Repeat("x", 201)}, nil, http.StatusBadRequest},
		{"unknown field", pga, map[string]string{"role": "stakeholder", "party": "x", "scope": "all"}, nil, http.StatusBadRequest},
		{"malformed", pga, []byte(`{"role"`), nil, http.StatusBadRequest},
		{"not JSON", pga, []byte(`role=stakeholder`), []string{"Content-Type", "text/plain"}, http.StatusUnsupportedMediaType},
		{"no token", "", map[string]string{"role": "stakeholder", "party": "x"}, nil, http.StatusUnauthorized},
	} {
		wantProblem(t, "create: "+tc.name, a.do("POST", "/v1/tokens", tc.token, tc.body, tc.header...), tc.want)
	}

	// Revoked, it is refused.
	wantProblem(t, "revoke as a stakeholder", a.do("DELETE", "/v1/tokens/"+issued.ID, issued.Secret, nil), http.StatusForbidden)
	if res := a.do("DELETE", "/v1/tokens/"+issued.ID, pga, nil); res.Status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "a revoked token", a.do("GET", "/v1/processes", issued.Secret, nil), http.StatusUnauthorized)
	if res := a.do("DELETE", "/v1/tokens/"+issued.ID, pga, nil); res.Status != http.StatusNoContent {
		t.Fatalf("revoke twice: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "revoke no token", a.do("DELETE", "/v1/tokens/tok_none", pga, nil), http.StatusNotFound)
	wantProblem(t, "revoke with no token", a.do("DELETE", "/v1/tokens/"+issued.ID, "", nil), http.StatusUnauthorized)
}
