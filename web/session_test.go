package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
)

// testClock is the API's clock, which a test moves on instead of waiting.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

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

// newTestSiteOn is newTestSite over an API on clock.
func newTestSiteOn(t testing.TB, clock *testClock) *testSite {
	t.Helper()
	ts := &testSite{t: t}
	a := api.New(api.Options{Temporal: stack.Temporal, Store: stack.Store, Now: clock.Now, Pages: func(h http.Handler) http.Handler {
		ts.site = New(Options{API: traffic.Check(h), SessionKey: testKey})
		return ts.site
	}})
	ts.hs = httptest.NewServer(a.Handler())
	t.Cleanup(ts.hs.Close)
	return ts
}

// TestSessionIdle: a session in use stays signed in; left idle for 30
// minutes (the default), the next page finds it signed out and clears the
// cookie.
func TestSessionIdle(t *testing.T) {
	clock := &testClock{now: time.Now()}
	ts := newTestSiteOn(t, clock)
	b := ts.browser()
	b.signIn(ts.token(api.MemberState, "PER", ""))
	signedIn := func() bool { return strings.Contains(b.get("/").Body, `action="/signout"`) }

	for range 3 {
		clock.Advance(25 * time.Minute)
		if !signedIn() {
			t.Fatal("signed out after 25 minutes in use")
		}
	}
	clock.Advance(30 * time.Minute)
	p := b.get("/")
	if strings.Contains(p.Body, `action="/signout"`) {
		t.Fatal("still signed in after 30 idle minutes")
	}
	if c := cookieNamed(p.Header, sessionCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("the idle session's cookie is not cleared: %v", c)
	}
}
