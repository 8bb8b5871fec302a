package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
	"github.com/compact-un/compact/wire"
)

// newSweptServer is an API over a store of its own: a sweep with a clock
// moved on would end the shared store's sessions under the other tests.
func newSweptServer(t *testing.T, o Options) (*apiServer, store.Store) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "compact.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o.Temporal, o.Store, o.Links = stack.temporal, st, testLinks
	s := New(o)
	hs := httptest.NewServer(traffic.Check(s.Handler()))
	t.Cleanup(hs.Close)
	return &apiServer{t: t, hs: hs, s: s}, st
}

func (a *apiServer) sweep(t *testing.T, want Swept) {
	t.Helper()
	if got, err := a.s.Sweep(t.Context()); err != nil || got != want {
		t.Fatalf("Sweep = %+v, %v; want %+v", got, err, want)
	}
}

// TestSweepSessions: a sweep deletes the sessions that idled out, were
// signed out or outlived their lifetime SessionRetention ago, under the
// API's own timeouts; until then their holders are told why they are
// refused, and the sessions still in use are kept.
func TestSweepSessions(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a, st := newSweptServer(t, Options{Now: clock.Now, Sessions: SessionTimeouts{Idle: 20 * time.Minute, Lifetime: time.Hour}})
	secret, tok, err := NewToken(Stakeholder, "ngo-swept", "", "test", clock.Now())
	holder := stacktest.Issue(t, st, secret, tok, err)
	start := func() string {
		var s wire.Session
		a.do("POST", "/v1/session", holder, nil).JSON(t, &s)
		return s.WebSession.ID
	}
	use := func(id string) response { return a.do("GET", "/v1/session", holder, nil, wire.SessionHeader, id) }
	keepBusy := func(id string) {
		t.Helper()
		if res := use(id); res.Status != http.StatusOK {
			t.Fatalf("the busy session at %s: %d %s", clock.Now(), res.Status, res.Body)
		}
	}

	busy, idle, out := start(), start(), start()
	if res := a.do("DELETE", "/v1/session", holder, nil, wire.SessionHeader, out); res.Status != http.StatusNoContent {
		t.Fatalf("sign out: %d %s", res.Status, res.Body)
	}
	clock.Advance(15 * time.Minute)
	keepBusy(busy)
	clock.Advance(10 * time.Minute)
	keepBusy(busy)
	a.sweep(t, Swept{}) // over, and kept
	wantRefusal(t, "idle 25 min", use(idle), http.StatusUnauthorized, "idle for 20m0s")
	wantRefusal(t, "signed out 25 min ago", use(out), http.StatusUnauthorized, "signed out at")
	for range 2 {
		clock.Advance(15 * time.Minute)
		keepBusy(busy)
	}
	clock.Advance(SessionRetention - 35*time.Minute) // the idle one idled out SessionRetention ago
	a.sweep(t, Swept{})
	wantRefusal(t, "idle for a day", use(idle), http.StatusUnauthorized, "expired at")
	wantRefusal(t, "signed out a day ago", use(out), http.StatusUnauthorized, "signed out at")

	clock.Advance(time.Second)
	a.sweep(t, Swept{Sessions: 2})
	wantRefusal(t, "the idle session, swept", use(idle), http.StatusUnauthorized, "no such session")
	wantRefusal(t, "the signed-out session, swept", use(out), http.StatusUnauthorized, "no such session")
	clock.Advance(40 * time.Minute) // the busy one, seen 55 min in, outlived its lifetime SessionRetention ago
	wantRefusal(t, "past its lifetime a day ago", use(busy), http.StatusUnauthorized, "expired at")
	a.sweep(t, Swept{Sessions: 1})
	if _, err := st.GetSession(t.Context(), busy); err == nil {
		t.Fatal("the session past its lifetime is still in the store")
	}
}

// TestSweepTokens: a token that expired, or was revoked, is refused saying
// so for TokenSecretRetention; then its secret is forgotten (unknown) while
// the office still lists the token.
func TestSweepTokens(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a, st := newSweptServer(t, Options{Now: clock.Now})
	issue := func(role Role, party string) (string, string) {
		secret, tok, err := NewToken(role, party, "", "test", clock.Now())
		return stacktest.Issue(t, st, secret, tok, err), tok.ID
	}
	expiring, expiringID := issue(MemberState, "NOR")
	revoked, revokedID := issue(MemberState, "SWE")
	if res := a.do("DELETE", "/v1/tokens/"+revokedID, revoked, nil); res.Status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}

	clock.Advance(TokenSecretRetention - time.Minute)
	a.sweep(t, Swept{})
	wantRefusal(t, "revoked 30 days ago", a.do("GET", "/v1/session", revoked, nil), http.StatusUnauthorized, "revoked at")
	clock.Advance(90*24*time.Hour + 2*time.Minute - TokenSecretRetention)
	a.sweep(t, Swept{Tokens: 1})
	wantRefusal(t, "revoked 90 days ago, forgotten", a.do("GET", "/v1/session", revoked, nil), http.StatusUnauthorized, "the token is unknown")
	wantRefusal(t, "just expired", a.do("GET", "/v1/session", expiring, nil), http.StatusUnauthorized, "expired at")
	clock.Advance(TokenSecretRetention)
	a.sweep(t, Swept{Tokens: 1})
	wantRefusal(t, "expired 30 days ago, forgotten", a.do("GET", "/v1/session", expiring, nil), http.StatusUnauthorized, "the token is unknown")
	office, _ := issue(PGAOffice, "PGA")
	var listed []wire.Token
	a.do("GET", "/v1/tokens", office, nil).JSON(t, &listed)
	found := map[string]bool{}
	for _, l := range listed {
		found[l.ID] = true
	}
	if len(listed) != 3 || !found[expiringID] || !found[revokedID] {
		t.Fatalf("the office lists %+v; want the expired and the revoked token still", listed)
	}
}

// TestSweepEvery: the sweeps a serving process runs start at once and
// stop with their context.
func TestSweepEvery(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a, st := newSweptServer(t, Options{Now: clock.Now})
	check := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	check(st.StartSession(t.Context(), store.Session{ID: "ses-old", TokenID: "tok-1", StartedAt: clock.Now().Add(-13*time.Hour - SessionRetention)}))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.s.SweepEvery(ctx, time.Hour)
	}()
	stacktest.Await(t, 10*time.Second, "the first sweep", func() bool {
		_, err := st.GetSession(t.Context(), "ses-old")
		return err != nil
	})
	cancel()
	<-done
}
