package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
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
	if res := a.do("GET", "/v1/tokens", issued.Secret, nil); res.Status != http.StatusOK || strings.Count(string(res.Body), `"id"`) != 1 {
		t.Fatalf("list as the stakeholder: %d %s; want its own token alone", res.Status, res.Body)
	}
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
	wantProblem(t, "revoke as another stakeholder", a.do("DELETE", "/v1/tokens/"+issued.ID, a.token(Stakeholder, party+"-b", ""), nil), http.StatusForbidden)
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

// testClock is a clock a test moves on instead of waiting.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newAPIServerWith is the API over the shared stack with o's clock and
// session timeouts: another API process on the same store.
func newAPIServerWith(t testing.TB, o Options) *apiServer {
	t.Helper()
	o.Temporal, o.Store, o.Links = stack.temporal, stack.store, testLinks
	s := New(o)
	hs := httptest.NewServer(traffic.Check(s.Handler()))
	t.Cleanup(hs.Close)
	return &apiServer{t: t, hs: hs, s: s}
}

// wantRefusal checks a problem's status and that its detail says why.
func wantRefusal(t *testing.T, what string, res response, status int, detail string) {
	t.Helper()
	wantProblem(t, what, res, status)
	var p wire.Problem
	if json.Unmarshal(res.Body, &p) != nil || !strings.Contains(p.Detail, detail) {
		t.Errorf("%s: %s, want the detail to say %q", what, res.Body, detail)
	}
}

// TestTokenExpiry: a token lasts 90 days unless its maker says otherwise,
// and once expired is refused with 401 saying when it expired.
func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a := newAPIServerWith(t, Options{Now: clock.Now})
	pga := a.token(PGAOffice, "PGA", "")

	res := a.do("POST", "/v1/tokens", pga, map[string]string{"role": "stakeholder", "party": "ngo-expiry"})
	var lasting wire.IssuedToken
	res.JSON(t, &lasting)
	if res.Status != http.StatusCreated || lasting.ExpiresAt.Sub(clock.Now()).Round(time.Hour) != 90*24*time.Hour {
		t.Fatalf("a token without an expiry: %d %s; want it to expire in 90 days", res.Status, res.Body)
	}
	expires := clock.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	res = a.do("POST", "/v1/tokens", pga, map[string]any{"role": "member-state", "party": "FRA", "expiresAt": expires})
	var short wire.IssuedToken
	res.JSON(t, &short)
	if res.Status != http.StatusCreated || !short.ExpiresAt.Equal(expires) {
		t.Fatalf("a token expiring at %s: %d %s", expires, res.Status, res.Body)
	}
	for name, at := range map[string]time.Time{"past": clock.Now().Add(-time.Minute), "too far": clock.Now().Add(367 * 24 * time.Hour)} {
		res := a.do("POST", "/v1/tokens", pga, map[string]any{"role": "member-state", "party": "FRA", "expiresAt": at})
		wantProblem(t, "expiry "+name, res, http.StatusBadRequest)
		if !strings.Contains(string(res.Body), `"pointer":"/expiresAt"`) {
			t.Errorf("expiry %s: %s, want the field named", name, res.Body)
		}
	}

	if res := a.do("GET", "/v1/session", short.Secret, nil); res.Status != http.StatusOK {
		t.Fatalf("before its expiry: %d %s", res.Status, res.Body)
	}
	clock.Advance(2 * time.Hour)
	wantRefusal(t, "an expired token", a.do("GET", "/v1/session", short.Secret, nil), http.StatusUnauthorized,
		"expired at "+expires.Format(time.RFC3339))
	if res := a.do("GET", "/v1/session", lasting.Secret, nil); res.Status != http.StatusOK {
		t.Fatalf("a token with days to go: %d %s", res.Status, res.Body)
	}
}

// TestTokenRotation: a holder rotates its own token; the old secret keeps
// working for the grace asked, on every server, then is refused.
func TestTokenRotation(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a := newAPIServerWith(t, Options{Now: clock.Now})
	other := newAPIServerWith(t, Options{Now: clock.Now})
	pga := a.token(PGAOffice, "PGA", "")
	old := a.token(MemberState, "CAN", "")
	var who wire.Session
	a.do("GET", "/v1/session", old, nil).JSON(t, &who)

	res := a.do("POST", "/v1/tokens/"+who.TokenID+"/rotate", old, map[string]any{"graceSeconds": 3600})
	var rotated wire.IssuedToken
	res.JSON(t, &rotated)
	if res.Status != http.StatusOK || rotated.ID != who.TokenID || rotated.Secret == old || rotated.Party != "CAN" ||
		!rotated.PreviousUntil.Equal(clock.Now().Add(time.Hour).UTC()) || !rotated.ExpiresAt.After(clock.Now().Add(89*24*time.Hour)) {
		t.Fatalf("rotate: %d %s", res.Status, res.Body)
	}
	for _, srv := range []*apiServer{a, other} {
		for name, secret := range map[string]string{"new": rotated.Secret, "old, in its grace": old} {
			if res := srv.do("GET", "/v1/tokens", secret, nil); res.Status != http.StatusOK {
				t.Fatalf("the %s secret: %d %s", name, res.Status, res.Body)
			}
		}
	}
	wantRefusal(t, "the old secret rotates again", a.do("POST", "/v1/tokens/"+who.TokenID+"/rotate", old, map[string]any{"graceSeconds": 0}),
		http.StatusForbidden, "replaced secret")

	clock.Advance(time.Hour)
	for _, srv := range []*apiServer{a, other} {
		wantRefusal(t, "the old secret after its grace", srv.do("GET", "/v1/tokens", old, nil), http.StatusUnauthorized, "was replaced at")
		if res := srv.do("GET", "/v1/tokens", rotated.Secret, nil); res.Status != http.StatusOK {
			t.Fatalf("the new secret after the grace: %d %s", res.Status, res.Body)
		}
	}

	// Without grace (a leak), the office's rotation refuses the old secret
	// at once where it was made, and everywhere within a second.
	res = a.do("POST", "/v1/tokens/"+who.TokenID+"/rotate", pga, map[string]any{"graceSeconds": 0})
	var leaked wire.IssuedToken
	res.JSON(t, &leaked)
	if res.Status != http.StatusOK || !leaked.PreviousUntil.IsZero() {
		t.Fatalf("rotate without grace: %d %s", res.Status, res.Body)
	}
	replaced := time.Now()
	wantProblem(t, "the secret replaced without grace", a.do("GET", "/v1/tokens", rotated.Secret, nil), http.StatusUnauthorized)
	refusedWithinASecond(t, "the secret replaced without grace, elsewhere", other, rotated.Secret, replaced, "unknown")

	stranger := a.token(MemberState, "NZL", "")
	for _, tc := range []struct {
		name, token, id string
		body            any
		want            int
	}{
		{"another holder's", stranger, who.TokenID, map[string]any{"graceSeconds": 60}, http.StatusForbidden},
		{"no such token", pga, "tok_none", map[string]any{"graceSeconds": 60}, http.StatusNotFound},
		{"no grace said", pga, who.TokenID, map[string]any{}, http.StatusBadRequest},
		{"negative grace", pga, who.TokenID, map[string]any{"graceSeconds": -1}, http.StatusBadRequest},
		{"grace over 30 days", pga, who.TokenID, map[string]any{"graceSeconds": 31 * 24 * 3600}, http.StatusBadRequest},
		{"expiry past", pga, who.TokenID, map[string]any{"graceSeconds": 0, "expiresAt": clock.Now().Add(-time.Hour)}, http.StatusBadRequest},
		{"no token", "", who.TokenID, map[string]any{"graceSeconds": 60}, http.StatusUnauthorized},
	} {
		wantProblem(t, "rotate: "+tc.name, a.do("POST", "/v1/tokens/"+tc.id+"/rotate", tc.token, tc.body), tc.want)
	}
	if res := a.do("GET", "/v1/tokens", leaked.Secret, nil); res.Status != http.StatusOK {
		t.Fatalf("refused rotations changed the token: %d %s", res.Status, res.Body)
	}
	if res := a.do("DELETE", "/v1/tokens/"+who.TokenID, pga, nil); res.Status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "rotate a revoked token", a.do("POST", "/v1/tokens/"+who.TokenID+"/rotate", pga, map[string]any{"graceSeconds": 60}),
		http.StatusConflict)
}

// TestTokenRevokedEverywhere: a token revoked through one API process is
// refused by that process at once and by another on the same store within
// a second (issue #15), though both had just taken it.
func TestTokenRevokedEverywhere(t *testing.T) {
	t.Parallel()
	a, b := newAPIServer(t), newAPIServer(t)
	holder := a.token(Stakeholder, "ngo-revoked", "")
	var who wire.Session
	for _, srv := range []*apiServer{a, b} {
		srv.do("GET", "/v1/session", holder, nil).JSON(t, &who) // each has taken it
	}
	if res := a.do("DELETE", "/v1/tokens/"+who.TokenID, holder, nil); res.Status != http.StatusNoContent {
		t.Fatalf("the holder revokes its own: %d %s", res.Status, res.Body)
	}
	revoked := time.Now()
	wantRefusal(t, "the revoking process", a.do("GET", "/v1/session", holder, nil), http.StatusUnauthorized, "was revoked at")
	refusedWithinASecond(t, "the other process", b, holder, revoked, "was revoked at")
}

// refusedWithinASecond waits for srv to refuse secret with 401, asking
// every few milliseconds, and fails the test if it takes a second from
// since or more.
func refusedWithinASecond(t *testing.T, what string, srv *apiServer, secret string, since time.Time, detail string) {
	t.Helper()
	for {
		res := srv.do("GET", "/v1/session", secret, nil)
		if res.Status != http.StatusOK {
			wantRefusal(t, what, res, http.StatusUnauthorized, detail)
			t.Logf("%s: refused %v after", what, time.Since(since).Round(time.Millisecond))
			return
		}
		if time.Since(since) >= time.Second {
			t.Fatalf("%s still takes the token a second after", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTokenHolders: a holder sees and manages its own tokens, those of its
// role and party, and nobody else's; the office all.
func TestTokenHolders(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	party := "ngo-holder-" + time.Now().Format("150405.000000")
	pga := a.token(PGAOffice, "PGA", "")
	mine, colleague, stranger := a.token(Stakeholder, party, ""), a.token(Stakeholder, party, ""), a.token(Stakeholder, party+"-other", "")
	ids := map[string]string{}
	for name, secret := range map[string]string{"mine": mine, "colleague": colleague, "stranger": stranger} {
		var who wire.Session
		a.do("GET", "/v1/session", secret, nil).JSON(t, &who)
		ids[name] = who.TokenID
	}

	var listed []wire.Token
	res := a.do("GET", "/v1/tokens", mine, nil)
	res.JSON(t, &listed)
	if res.Status != http.StatusOK || len(listed) != 2 || !slices.ContainsFunc(listed, func(tk wire.Token) bool { return tk.ID == ids["colleague"] }) {
		t.Fatalf("the holder's list: %d %s; want its 2 tokens", res.Status, res.Body)
	}
	for _, tk := range listed {
		if tk.Party != party {
			t.Errorf("the holder sees %s's token %s", tk.Party, tk.ID)
		}
	}
	res = a.do("GET", "/v1/tokens", pga, nil)
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), ids["stranger"]) || !strings.Contains(string(res.Body), ids["mine"]) {
		t.Fatalf("the office's list lacks a holder's token: %d", res.Status)
	}

	wantRefusal(t, "revoke another's", a.do("DELETE", "/v1/tokens/"+ids["stranger"], mine, nil), http.StatusForbidden, "is not "+party+"'s")
	if res := a.do("GET", "/v1/session", stranger, nil); res.Status != http.StatusOK {
		t.Fatalf("a refused revocation revoked: %d %s", res.Status, res.Body)
	}
	if res := a.do("DELETE", "/v1/tokens/"+ids["colleague"], mine, nil); res.Status != http.StatusNoContent {
		t.Fatalf("revoke its own: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "the revoked colleague", a.do("GET", "/v1/session", colleague, nil), http.StatusUnauthorized)
	if res := a.do("DELETE", "/v1/tokens/"+ids["stranger"], pga, nil); res.Status != http.StatusNoContent {
		t.Fatalf("the office revokes any: %d %s", res.Status, res.Body)
	}
}
