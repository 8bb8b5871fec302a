package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, r *Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func wantLines(t *testing.T, body string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(body, l+"\n") {
			t.Errorf("missing %q in:\n%s", l, body)
		}
	}
}

// TestSDKMetrics: what the SDK reports shows under its own names, counters
// as counters and timers as histograms in seconds.
func TestSDKMetrics(t *testing.T) {
	r := New()
	h := r.Temporal().WithTags(map[string]string{"namespace": "default"})
	h.Counter("temporal_request").Inc(2)
	// The same name with another tag set: one family, each series with its
	// own labels (to Prometheus, a missing label is an empty one).
	h.WithTags(map[string]string{"operation": "Poll"}).Counter("temporal_request").Inc(1)
	h.Gauge("temporal_num_pollers").Update(3)
	h.Timer("temporal_request_latency").Record(20 * time.Millisecond)
	// A name reused as another kind is dropped rather than breaking /metrics.
	h.Gauge("temporal_request").Update(9)

	wantLines(t, scrape(t, r),
		"# TYPE temporal_request counter",
		`temporal_request{namespace="default"} 2`,
		`temporal_request{namespace="default",operation="Poll"} 1`,
		`temporal_num_pollers{namespace="default"} 3`,
		"# TYPE temporal_request_latency histogram",
		`temporal_request_latency_bucket{namespace="default",le="0.01"} 0`,
		`temporal_request_latency_bucket{namespace="default",le="0.025"} 1`,
		`temporal_request_latency_count{namespace="default"} 1`,
		"# TYPE go_goroutines gauge",
	)
}

func TestInstrument(t *testing.T) {
	r := New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	srv := httptest.NewServer(r.Instrument(mux))
	defer srv.Close()
	for _, path := range []string{"/items/1", "/items/2", "/nowhere"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	wantLines(t, scrape(t, r),
		`http_requests_total{code="418",method="GET",pattern="GET /items/{id}"} 2`,
		`http_requests_total{code="404",method="GET",pattern="unmatched"} 1`,
	)
}
