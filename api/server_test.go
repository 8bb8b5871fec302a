package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/store"
)

// pingStore is a store whose only working method is Ping.
type pingStore struct {
	store.Store
	err error
}

func (p pingStore) Ping(context.Context) error { return p.err }

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec
}

func TestHealthz(t *testing.T) {
	rec := get(t, New(Options{}).Handler(), "/healthz")
	if rec.Code != http.StatusOK || rec.Body.String() != "ok\n" {
		t.Fatalf("/healthz = %d %q", rec.Code, rec.Body)
	}
}

func TestReadyz(t *testing.T) {
	pass := Check{Name: "worker", Run: func(context.Context) error { return nil }}
	for _, tc := range []struct {
		name     string
		store    error
		want     int
		failing  string
		errorMsg string
	}{
		{name: "all hold", want: http.StatusOK},
		{name: "store down", store: errors.New("database is locked"), want: http.StatusServiceUnavailable,
			failing: "store", errorMsg: "database is locked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{Store: pingStore{err: tc.store}, Checks: []Check{pass}})
			rec := get(t, s.Handler(), "/readyz")
			if rec.Code != tc.want {
				t.Fatalf("/readyz = %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			var body Readiness
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if len(body.Checks) != 2 || body.Checks[0].Name != "store" || body.Checks[1].Name != "worker" {
				t.Fatalf("checks = %+v", body.Checks)
			}
			for _, c := range body.Checks {
				if c.OK != (c.Name != tc.failing) || (!c.OK && c.Error != tc.errorMsg) {
					t.Errorf("check %+v", c)
				}
			}
		})
	}
}

func TestReadyzTimesOutAHungCheck(t *testing.T) {
	hung := Check{Name: "hung", Run: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}
	start := time.Now()
	rec := get(t, New(Options{Checks: []Check{hung}}).Handler(), "/readyz")
	if rec.Code != http.StatusServiceUnavailable || time.Since(start) > 2*checkTimeout {
		t.Fatalf("/readyz = %d after %s", rec.Code, time.Since(start))
	}
}

func TestMetricsCountsRequests(t *testing.T) {
	s := New(Options{})
	h := s.Handler()
	get(t, h, "/healthz")
	get(t, h, "/nope")
	if code := get(t, h, "/metrics").Code; code != http.StatusNotFound {
		t.Errorf("the public address's /metrics = %d, want 404: metrics are the admin address's", code)
	}
	if code := get(t, s.AdminHandler(), "/debug/pprof/").Code; code != http.StatusOK {
		t.Errorf("the admin address's /debug/pprof/ = %d", code)
	}
	body := get(t, s.AdminHandler(), "/metrics").Body.String()
	for _, want := range []string{
		`http_requests_total{code="200",method="GET",pattern="GET /healthz"} 1`,
		`http_requests_total{code="404",method="GET",pattern="unmatched"} 2`,
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestServeAndShutdown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{})
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	res, err := http.Get("http://" + l.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve after Shutdown = %v, want nil", err)
	}
}
