package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/compact-un/compact/wire"
)

// TestSessionSignOut: a signed-out web session is refused at once by every
// API process on the store, while its token still works without it.
func TestSessionSignOut(t *testing.T) {
	t.Parallel()
	a, b := newAPIServer(t), newAPIServer(t)
	holder := a.token(MemberState, "BRA", "")
	res := a.do("POST", "/v1/session", holder, nil)
	var started wire.Session
	res.JSON(t, &started)
	ws := started.WebSession
	if res.Status != http.StatusCreated || ws == nil || ws.ID == "" || started.Party != "BRA" ||
		ws.ExpiresAt.Sub(ws.StartedAt) != 12*time.Hour || ws.IdleUntil.Sub(ws.StartedAt) != 30*time.Minute {
		t.Fatalf("sign in: %d %s; want a session of 12 h, 30 min idle", res.Status, res.Body)
	}
	if res := b.do("GET", "/v1/session", holder, nil, wire.SessionHeader, ws.ID); res.Status != http.StatusOK {
		t.Fatalf("the session on another process: %d %s", res.Status, res.Body)
	}
	if res := a.do("DELETE", "/v1/session", holder, nil, wire.SessionHeader, ws.ID); res.Status != http.StatusNoContent {
		t.Fatalf("sign out: %d %s", res.Status, res.Body)
	}
	for _, srv := range []*apiServer{a, b} {
		wantRefusal(t, "the signed-out session", srv.do("GET", "/v1/session", holder, nil, wire.SessionHeader, ws.ID),
			http.StatusUnauthorized, "signed out at")
	}
	wantProblem(t, "sign out again", b.do("DELETE", "/v1/session", holder, nil, wire.SessionHeader, ws.ID), http.StatusUnauthorized)
	if res := b.do("GET", "/v1/session", holder, nil); res.Status != http.StatusOK {
		t.Fatalf("the token without the session: %d %s", res.Status, res.Body)
	}

	// A session is its token's alone, and a revoked token takes its sessions with it.
	other := a.token(MemberState, "ARG", "")
	res = a.do("POST", "/v1/session", other, nil)
	var second wire.Session
	res.JSON(t, &second)
	wantRefusal(t, "another token's session", a.do("GET", "/v1/session", holder, nil, wire.SessionHeader, second.WebSession.ID),
		http.StatusUnauthorized, "no such session")
	wantProblem(t, "no such session", a.do("GET", "/v1/session", holder, nil, wire.SessionHeader, "ses_none"), http.StatusUnauthorized)
	if res := a.do("DELETE", "/v1/tokens/"+second.TokenID, other, nil); res.Status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "the session of a revoked token", b.do("GET", "/v1/session", other, nil, wire.SessionHeader, second.WebSession.ID),
		http.StatusUnauthorized)
	wantProblem(t, "sign out without naming the session", a.do("DELETE", "/v1/session", holder, nil), http.StatusBadRequest)
	wantProblem(t, "sign in without a token", a.do("POST", "/v1/session", "", nil), http.StatusUnauthorized)
}

// TestSessionTimeouts: a session ends when idle past its idle timeout and,
// however busy, at its lifetime; the clock is moved on, not waited for.
func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a := newAPIServerWith(t, Options{Now: clock.Now, Sessions: SessionTimeouts{Idle: 20 * time.Minute, Lifetime: time.Hour}})
	b := newAPIServerWith(t, Options{Now: clock.Now, Sessions: SessionTimeouts{Idle: 20 * time.Minute, Lifetime: time.Hour}})
	holder := a.token(Stakeholder, "ngo-idle", "")
	start := func() string {
		var s wire.Session
		a.do("POST", "/v1/session", holder, nil).JSON(t, &s)
		return s.WebSession.ID
	}

	idle := start()
	clock.Advance(19 * time.Minute)
	if res := b.do("GET", "/v1/session", holder, nil, wire.SessionHeader, idle); res.Status != http.StatusOK {
		t.Fatalf("used after 19 min: %d %s", res.Status, res.Body)
	}
	clock.Advance(19 * time.Minute) // 38 min in, 19 idle: the use above kept it
	if res := a.do("GET", "/v1/session", holder, nil, wire.SessionHeader, idle); res.Status != http.StatusOK {
		t.Fatalf("used again 19 min later: %d %s", res.Status, res.Body)
	}
	clock.Advance(20 * time.Minute)
	wantRefusal(t, "idle 20 min", b.do("GET", "/v1/session", holder, nil, wire.SessionHeader, idle), http.StatusUnauthorized, "idle for 20m0s")

	busy := start()
	for range 5 {
		clock.Advance(11 * time.Minute)
		if res := a.do("GET", "/v1/session", holder, nil, wire.SessionHeader, busy); res.Status != http.StatusOK {
			t.Fatalf("a busy session: %d %s", res.Status, res.Body)
		}
	}
	clock.Advance(5 * time.Minute)
	wantRefusal(t, "past its lifetime", a.do("GET", "/v1/session", holder, nil, wire.SessionHeader, busy), http.StatusUnauthorized, "expired at")
}
