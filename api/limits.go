package api

import (
	"cmp"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/compact-un/compact/process"
)

// Limits bound what a slow or greedy client can hold of a server. A zero
// field takes its default.
type Limits struct {
	// HeaderTimeout bounds the wait for a request's headers, BodyTimeout
	// the wait for its body, and IdleTimeout the wait for the next request
	// on a kept-alive connection.
	HeaderTimeout time.Duration // default 10s
	BodyTimeout   time.Duration // default 2m: 10 MiB attachments on a slow line
	IdleTimeout   time.Duration // default 2m
	// MaxHeaderBytes caps a request's headers.
	MaxHeaderBytes int // default 32 KiB
	// Streams caps the event streams open at once, StreamsPerClient those
	// of one client address.
	Streams          int // default 1000
	StreamsPerClient int // default 8
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client; without them, the client is the connection's peer.
	TrustedProxies []netip.Prefix
	// Rates override DefaultRates, the quotas of writes and costly reads
	// per token and per client address.
	Rates map[string]Rate
	// NoRateLimits lifts the quotas: for benchmarks of capacity.
	NoRateLimits bool
}

func (l Limits) withDefaults() Limits {
	l.HeaderTimeout = cmp.Or(l.HeaderTimeout, 10*time.Second)
	l.BodyTimeout = cmp.Or(l.BodyTimeout, 2*time.Minute)
	l.IdleTimeout = cmp.Or(l.IdleTimeout, 2*time.Minute)
	l.MaxHeaderBytes = cmp.Or(l.MaxHeaderBytes, 32<<10)
	l.Streams = cmp.Or(l.Streams, 1000)
	l.StreamsPerClient = cmp.Or(l.StreamsPerClient, 8)
	return l
}

// httpServer is the http.Server of every listener a Server serves on.
func (l Limits) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           bodyDeadline(h, l.BodyTimeout),
		ReadHeaderTimeout: l.HeaderTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}

// bodyDeadline gives a request d to send its body, and no more once it has
// (http.Server's ReadTimeout would also cancel an event stream's context
// when it passed). A trickling client is cut off: its handler's read
// fails, and the server closes the connection rather than drain it.
func bodyDeadline(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			rc := http.NewResponseController(w)
			if rc.SetReadDeadline(time.Now().Add(d)) == nil {
				r.Body = &bodyRead{ReadCloser: r.Body, done: func() { _ = rc.SetReadDeadline(time.Time{}) }}
			}
		}
		h.ServeHTTP(w, r)
	})
}

// bodyRead lifts the body's deadline once the body is read.
type bodyRead struct {
	io.ReadCloser
	done func()
}

func (b *bodyRead) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && b.done != nil {
		b.done()
		b.done = nil
	}
	return n, err
}

// clientAddr is the request's client: the connection's peer or, when that
// is a trusted proxy, the nearest address in X-Forwarded-For that is not.
func (l Limits) clientAddr(r *http.Request) netip.Addr {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{} // not from a network connection: in-process
	}
	client := peer.Addr().Unmap()
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0 && l.trusted(client); i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: the last trusted proxy is the client we know
		}
		client = hop.Unmap()
	}
	return client
}

func (l Limits) trusted(a netip.Addr) bool {
	for _, p := range l.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// streamPattern is the route of the event streams, which stay open.
const streamPattern = "GET /v1/processes/{id}/events"

// limit puts the limits of pattern's route around h: its cost's quotas,
// and for the event streams, their bound.
func (s *Server) limit(pattern string, h http.HandlerFunc) http.HandlerFunc {
	if pattern == streamPattern {
		h = s.holdStream(h)
	}
	if s.quotas == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if c := costOf(pattern, r); c != cheap {
			if err := s.quotas.admit(w, principal(r.Context()), s.limits.clientAddr(r), c); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		h(w, r)
	}
}

// streams counts the open event streams, in all and per client address.
type streams struct {
	limits Limits
	mu     sync.Mutex
	total  int
	per    map[netip.Addr]int
}

func newStreams(l Limits) *streams { return &streams{limits: l, per: map[netip.Addr]int{}} }

// holdStream runs h while it holds a stream's place, or refuses it (429)
// when its client has its share open or the server all it takes.
func (s *Server) holdStream(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, addr := s.streams, s.limits.clientAddr(r)
		st.mu.Lock()
		var err error
		switch {
		case st.per[addr] >= st.limits.StreamsPerClient:
			err = process.Errorf("api.holdStream", process.RateLimited, "%d event streams are open from this address already; close one", st.limits.StreamsPerClient)
		case st.total >= st.limits.Streams:
			err = process.Errorf("api.holdStream", process.RateLimited, "the server has all the event streams it takes open; try again later")
		default:
			st.per[addr]++
			st.total++
		}
		st.mu.Unlock()
		if err != nil {
			w.Header().Set("Retry-After", strconv.Itoa(streamRetry))
			s.fail(w, r, err)
			return
		}
		defer func() {
			st.mu.Lock()
			if st.per[addr]--; st.per[addr] == 0 {
				delete(st.per, addr)
			}
			st.total--
			st.mu.Unlock()
		}()
		h(w, r)
	}
}

// streamRetry is the Retry-After, in seconds, of a stream refused.
const streamRetry = 30
