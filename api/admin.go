package api

import (
	"errors"
	"net"
	"net/http"
	"net/http/pprof"

	"github.com/compact-un/compact/internal/metrics"
)

// adminHandler serves what operators read and the public must not: the
// metrics, and Go's profiler (which costs CPU and shows the program's
// insides).
func adminHandler(m *metrics.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// AdminHandler is the admin listener's routes, for httptest.
func (s *Server) AdminHandler() http.Handler { return s.admin.Handler }

// ServeAdmin serves /metrics and /debug/pprof/ on l, an address apart from
// the public one, until Shutdown, when it returns nil.
func (s *Server) ServeAdmin(l net.Listener) error {
	if err := s.admin.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
