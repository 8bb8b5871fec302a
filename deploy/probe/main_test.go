package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestTarget(t *testing.T) {
	for _, tc := range []struct{ addr, path, want string }{
		{"", "/readyz", "http://127.0.0.1:8080/readyz"},
		{"0.0.0.0:8080", "/readyz", "http://127.0.0.1:8080/readyz"},
		{":9000", "/healthz", "http://127.0.0.1:9000/healthz"},
		{"[::]:8081", "/readyz", "http://[::1]:8081/readyz"},
		{"10.1.2.3:8080", "/readyz", "http://10.1.2.3:8080/readyz"},
	} {
		got, err := target(tc.addr, tc.path)
		if err != nil || got != tc.want {
			t.Errorf("target(%q, %q) = %q, %v; want %q", tc.addr, tc.path, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ addr, path string }{
		{"8080", "/readyz"},
		{"127.0.0.1:", "/readyz"},
		{"127.0.0.1:8080", "readyz"},
	} {
		if got, err := target(tc.addr, tc.path); err == nil {
			t.Errorf("target(%q, %q) = %q, want an error", tc.addr, tc.path, got)
		}
	}
}

func TestRun(t *testing.T) {
	var ready atomic.Bool
	ready.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" && !ready.Load() {
			http.Error(w, `{"status":"unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	env := func(k string) string {
		if k == "COMPACT_HTTP_ADDR" {
			return "0.0.0.0:" + port
		}
		return ""
	}
	var stderr bytes.Buffer
	if code := run(nil, env, &stderr); code != 0 {
		t.Fatalf("ready: code %d, %s", code, stderr.String())
	}
	ready.Store(false)
	if code := run(nil, env, &stderr); code != 1 || !strings.Contains(stderr.String(), "503") {
		t.Fatalf("unready: code %d, %s", code, stderr.String())
	}
	if code := run([]string{"/healthz"}, env, &stderr); code != 0 {
		t.Fatalf("/healthz: code %d", code)
	}
	srv.Close()
	if code := run(nil, env, &stderr); code != 1 {
		t.Fatalf("nothing listening: code %d", code)
	}
	if code := run([]string{"/a", "/b"}, env, &stderr); code != 2 {
		t.Fatalf("two arguments: code %d", code)
	}
}
