// Package metrics is each process's Prometheus registry: Go runtime and
// process metrics, the Temporal SDK's metrics and an HTTP request counter,
// all served by one /metrics handler.
package metrics

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"
)

// Registry holds one process's metrics. Its own registry, rather than
// Prometheus's global one, keeps tests and in-process servers apart.
type Registry struct {
	reg      *prometheus.Registry
	temporal client.MetricsHandler
	requests *prometheus.CounterVec
}

// New returns a registry with the Go runtime, process, SDK and HTTP metrics.
func New() *Registry {
	r := &Registry{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code.",
		}, []string{"method", "pattern", "code"}),
	}
	r.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		r.requests,
	)
	var err error
	if r.temporal, err = temporalHandler(r.reg); err != nil {
		panic(err) // a fresh registry holds no clashing collector
	}
	return r
}

// Handler serves the registry in Prometheus text format. A metric that
// fails to collect is reported without hiding the others.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Temporal is the SDK client's MetricsHandler (client.Options.MetricsHandler).
func (r *Registry) Temporal() client.MetricsHandler {
	return r.temporal
}

// Instrument counts every request next serves in http_requests_total. next
// should be an http.ServeMux: the label is the pattern it matched, so that
// path parameters cannot blow up the series count.
func (r *Registry) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, req)
		pattern := req.Pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		r.requests.WithLabelValues(req.Method, pattern, strconv.Itoa(rec.code)).Inc()
	})
}

type statusRecorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.code, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
