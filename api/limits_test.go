package api

import (
	"github.com/compact-un/compact/wire"

	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// serveLimited serves the API with limits on a real listener on loopback,
// as a process does.
func serveLimited(t *testing.T, l Limits) string {
	t.Helper()
	s := New(Options{Temporal: stack.temporal, Store: stack.store, Links: testLinks, Limits: l})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return ln.Addr().String()
}

// TestTricklingClientsAreCutOff sends a request's headers, or its body,
// one byte at a time: the server closes the connection.
func TestTricklingClientsAreCutOff(t *testing.T) {
	t.Parallel()
	addr := serveLimited(t, Limits{HeaderTimeout: time.Second, BodyTimeout: time.Second})
	id := seedPrivateWindow(t)
	for name, head := range map[string]string{
		"headers": "GET /healthz HTTP/1.1\r\nHost: compact.example\r\nX-Slow: ",
		"body": "POST /v1/processes/" + id + "/subscriptions HTTP/1.1\r\nHost: compact.example\r\n" +
			"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"address\":\"",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if !trickleUntilClosed(t, addr, head) {
				t.Fatal("the server still reads a trickle after a minute")
			}
		})
	}
}

// trickleUntilClosed writes head, then one byte at a time, checking
// between bytes whether the server has closed the connection. It gives up
// (false) after a minute: a bound for a broken server, far above the
// timeouts.
func trickleUntilClosed(t *testing.T, addr, head string) bool {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	for giveUp := time.Now().Add(time.Minute); time.Now().Before(giveUp); {
		if _, err := c.Write([]byte("a")); err != nil {
			return true // reset
		}
		_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond)) // the pace of the trickle
		for {
			_, err := c.Read(buf)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				break // still open: the next byte
			}
			if err != nil {
				return true // closed (EOF or reset), maybe after an answer
			}
		}
	}
	return false
}

// TestEventStreamsAreBounded opens event streams from two clients behind
// a trusted proxy until the limits per client and in all refuse one.
func TestEventStreamsAreBounded(t *testing.T) {
	t.Parallel()
	addr := serveLimited(t, Limits{StreamsPerClient: 2, Streams: 3,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	id := seedPrivateWindow(t)
	open := func(client string) (*http.Response, context.CancelFunc) {
		t.Helper()
		ctx, cancel := context.WithCancel(t.Context())
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/v1/processes/"+id+"/events", nil)
		req.Header.Set("X-Forwarded-For", client)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cancel(); res.Body.Close() })
		return res, cancel
	}
	refused := func(res *http.Response, why string) {
		t.Helper()
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Content-Type") != "application/problem+json" ||
			res.Header.Get("Retry-After") == "" {
			t.Fatalf("%s: %d %v, want 429 problem+json with Retry-After", why, res.StatusCode, res.Header)
		}
	}
	const a, b = "192.0.2.1", "198.51.100.7"
	first, closeFirst := open(a)
	if second, _ := open(a); first.StatusCode != http.StatusOK || second.StatusCode != http.StatusOK {
		t.Fatalf("two streams from one client: %d, %d", first.StatusCode, second.StatusCode)
	}
	third, _ := open(a)
	refused(third, "a third stream from one client")
	if res, _ := open(b); res.StatusCode != http.StatusOK {
		t.Fatalf("another client's stream: %d", res.StatusCode)
	}
	res, _ := open(b)
	refused(res, "a fourth stream in all")

	closeFirst() // its place is free once the server sees it gone
	for giveUp := time.Now().Add(30 * time.Second); ; {
		res, _ := open(b)
		if res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(giveUp) {
			t.Fatalf("a closed stream's place is still taken: %d", res.StatusCode)
		}
	}
}

func TestClientAddr(t *testing.T) {
	l := Limits{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	for _, c := range []struct{ peer, xff, want string }{
		{"192.0.2.1:5000", "", "192.0.2.1"},
		{"192.0.2.1:5000", "203.0.113.9", "192.0.2.1"}, // not a trusted proxy: its header is the client's word
		{"10.1.2.3:5000", "203.0.113.9", "203.0.113.9"},
		{"10.1.2.3:5000", "6.6.6.6, 203.0.113.9, 10.9.9.9", "203.0.113.9"}, // what the client wrote itself is not believed
		{"10.1.2.3:5000", "garbage", "10.1.2.3"},
		{"[::ffff:10.1.2.3]:5000", "2001:db8::1", "2001:db8::1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := l.clientAddr(r); got.String() != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: client %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
}

// TestRateLimitsAreOnByDefault exports one process's contributions again
// and again, as an observer and as a token's holder, on a server with the
// default limits: past the quota, 429 problem+json says when to come back,
// and every answer says where the quota stands (the IETF draft's fields).
func TestRateLimitsAreOnByDefault(t *testing.T) {
	t.Parallel()
	// The clock stands still, so that no token refills the buckets
	// however slowly the requests go.
	stopped := time.Now()
	s := New(Options{Temporal: stack.temporal, Store: stack.store, Links: testLinks, Now: func() time.Time { return stopped }})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	a := &apiServer{t: t, hs: hs, s: s}
	id := seedPrivateWindow(t)
	export := "/v1/processes/" + id + "/contributions.csv"

	limited := func(token, policy string, quota Rate) {
		t.Helper()
		for i := range quota.Burst + 1 {
			res := a.do("GET", export, token, nil)
			if !strings.Contains(res.Header.Get("RateLimit-Policy"), fmt.Sprintf(`"%s";q=%d;w=`, policy, quota.Burst)) ||
				!strings.Contains(res.Header.Get("RateLimit"), fmt.Sprintf(`"%s";r=`, policy)) {
				t.Fatalf("request %d: RateLimit-Policy %q, RateLimit %q; want the %s policy", i, res.Header.Get("RateLimit-Policy"), res.Header.Get("RateLimit"), policy)
			}
			if i < quota.Burst {
				if res.Status != http.StatusOK {
					t.Fatalf("request %d of %d: %d %s", i+1, quota.Burst, res.Status, res.Body)
				}
				continue
			}
			var p wire.Problem
			res.JSON(t, &p)
			if res.Status != http.StatusTooManyRequests || p.Type != wire.ProblemTypePrefix+"rate-limited" || res.Header.Get("Retry-After") == "" ||
				!strings.Contains(res.Header.Get("RateLimit"), fmt.Sprintf(`"%s";r=0;`, policy)) {
				t.Fatalf("past the quota: %d %+v %v", res.Status, p, res.Header)
			}
		}
	}
	limited("", "observer-reads", DefaultRates["observer.reads"])
	// A token's holder has a quota of its own, from the same address.
	limited(a.token(Stakeholder, "org-rate", ""), "stakeholder-reads", DefaultRates["stakeholder.reads"])

	// Cheap reads are not counted.
	if res := a.do("GET", "/v1/processes/"+id, "", nil); res.Status != http.StatusOK || res.Header.Get("RateLimit") != "" {
		t.Errorf("a status read: %d, RateLimit %q", res.Status, res.Header.Get("RateLimit"))
	}
}

// TestRateLimitsPerAddress sends writes from two clients behind a trusted
// proxy: one client's quota is its own.
func TestRateLimitsPerAddress(t *testing.T) {
	t.Parallel()
	addr := serveLimited(t, Limits{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Rates: map[string]Rate{"address.writes": {PerSecond: 0.01, Burst: 3}}})
	id := seedPrivateWindow(t)
	post := func(client string) int {
		req, _ := http.NewRequest("POST", "http://"+addr+"/v1/processes/"+id+"/subscriptions", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", client)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := range 3 {
		if code := post("192.0.2.1"); code == http.StatusTooManyRequests {
			t.Fatalf("write %d of 3: 429", i+1)
		}
	}
	if code := post("192.0.2.1"); code != http.StatusTooManyRequests {
		t.Fatalf("a fourth write from one address: %d, want 429", code)
	}
	if code := post("198.51.100.7"); code == http.StatusTooManyRequests {
		t.Fatal("another address's write: 429")
	}
}

func TestRateLimitedRoutesAreServed(t *testing.T) {
	s := New(Options{Temporal: stack.temporal, Store: stack.store})
	for _, p := range costlyReads {
		if !slices.Contains(s.patterns, p) {
			t.Errorf("costly read %q is no route: its limits would be lost", p)
		}
	}
}

func TestParseRates(t *testing.T) {
	got, err := ParseRates("stakeholder.writes=5/s, observer.reads=30/m:7")
	if err != nil || got["stakeholder.writes"] != (Rate{5, 10}) || got["observer.reads"] != (Rate{0.5, 7}) {
		t.Fatalf("ParseRates = %v, %v", got, err)
	}
	for _, bad := range []string{"stakeholder.write=5/s", "stakeholder.writes=5", "stakeholder.writes=-1/s", "stakeholder.writes=5/h", "stakeholder.writes=5/s:0"} {
		if _, err := ParseRates(bad); err == nil {
			t.Errorf("ParseRates(%q) accepted", bad)
		}
	}
}
