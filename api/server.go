// Package api is Compact's HTTP server: the probes every process serves,
// the API's routes beside them, and on an admin address apart, the metrics
// and the profiler.
package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/compact-un/compact/internal/metrics"
	"github.com/compact-un/compact/store"
)

// Options configure a Server. Every field may be left zero.
type Options struct {
	Logger *zap.Logger
	// Temporal, when set, is checked by /readyz (TemporalCheck).
	Temporal client.Client
	// Store, when set, is checked by /readyz (StoreCheck).
	Store store.Store
	// Metrics is served on the admin address's /metrics and counts the
	// requests; it should be
	// the registry whose Temporal() handler the Temporal client reports to.
	// Nil means a registry of this server's own.
	Metrics *metrics.Registry
	// Checks are further readiness checks, e.g. WorkerCheck in a process
	// that runs a worker.
	Checks []Check
	// Links make the confirmation links the API mails and check the
	// unsubscribe links workers mail.
	Links Links
	// Limits bound slow and greedy clients; zero fields take defaults.
	Limits Limits
	// AllowPrivateWebhooks lets webhooks be registered at loopback and
	// private addresses, for a receiver inside the operator's network (as
	// --webhook-allow-private lets the workers deliver there).
	AllowPrivateWebhooks bool
	// EnableSimulation lets POST /v1/processes start a process whose
	// participants are simulated (its simulation field): a replay for a
	// demonstration, never a real negotiation's. Off, such a create is
	// refused (403) and nothing starts; the operator turns it on with
	// --enable-simulation.
	EnableSimulation bool
	// Pages, when set and the API's routes are served, serves every path
	// outside the API's own (/v1/, /healthz, /readyz) on the same
	// address. It is given the API's handler to build on, so that pages call
	// the API in-process.
	Pages func(api http.Handler) http.Handler
	// Sessions end the web pages' sessions; zero fields take defaults.
	Sessions SessionTimeouts
	// Now is the clock tokens and sessions are checked against; nil is
	// time.Now. Tests move it on rather than wait.
	Now func() time.Time
}

// Server serves Compact's HTTP routes.
type Server struct {
	log      *zap.Logger
	temporal client.Client
	store    store.Store
	quotas   *quotas // nil: no rate limits
	limits   Limits
	streams  *streams    // the event streams open
	statuses statusCache // observers' process status, briefly
	verified verifyCache // each record's chain as last found intact
	tokens   tokenCache  // the token rows read lately, trusted for tokenTTL
	clocks   sync.Map    // process ID → *process.Clock, which never changes
	modals   sync.Map    // process ID → []process.Modality, its template's, which never change
	texts    textCache   // what the negotiation routes read and nothing changes
	links    links       // signs and checks the links in messages
	patterns []string    // the API's routes, as registered
	checks   []Check
	sessions SessionTimeouts
	now      func() time.Time
	// allowPrivateWebhooks: Options.AllowPrivateWebhooks.
	allowPrivateWebhooks bool
	simulation           bool // Options.EnableSimulation
	handler              http.Handler
	http                 *http.Server
	admin                *http.Server // metrics and profiler
}

// New builds a Server; it serves nothing until Serve or ListenAndServe.
func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Metrics == nil {
		o.Metrics = metrics.New()
	}
	s := &Server{log: o.Logger, temporal: o.Temporal, store: o.Store,
		links: newLinks(o.Links), limits: o.Limits.withDefaults(), sessions: o.Sessions.withDefaults(), now: o.Now,
		allowPrivateWebhooks: o.AllowPrivateWebhooks, simulation: o.EnableSimulation}
	if s.now == nil {
		s.now = time.Now
	}
	s.streams = newStreams(s.limits)
	if !s.limits.NoRateLimits {
		s.quotas = newQuotas(s.limits.Rates, s.now)
	}
	if o.Temporal != nil {
		s.checks = append(s.checks, TemporalCheck(o.Temporal))
	}
	if o.Store != nil {
		s.checks = append(s.checks, StoreCheck(o.Store))
	}
	s.checks = append(s.checks, o.Checks...)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if o.Temporal != nil && o.Store != nil {
		s.routes(mux)
	}
	s.handler = o.Metrics.Instrument(mux)
	if o.Pages != nil && o.Temporal != nil && o.Store != nil {
		s.handler = withPages(s.handler, o.Metrics.Instrument(o.Pages(s.handler)))
	}
	s.http = s.limits.httpServer(s.handler)
	s.admin = s.limits.httpServer(adminHandler(o.Metrics))
	s.http.ErrorLog = zap.NewStdLog(o.Logger.WithOptions(zap.IncreaseLevel(zapcore.WarnLevel)))
	s.admin.ErrorLog = s.http.ErrorLog
	return s
}

// Handler is every route, for httptest and for embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves on l until Shutdown, when it returns nil.
func (s *Server) Serve(l net.Listener) error {
	if err := s.http.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting connections, on both addresses, and waits for
// the requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	return errors.Join(s.http.Shutdown(ctx), s.admin.Shutdown(ctx))
}

// withPages sends the API's paths to api and every other path to pages.
func withPages(api, pages http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, "/v1/"), p == "/healthz", p == "/readyz":
			api.ServeHTTP(w, r)
		default:
			pages.ServeHTTP(w, r)
		}
	})
}
