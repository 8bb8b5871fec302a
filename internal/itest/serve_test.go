package itest_test

import (
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/itest"
)

const (
	readyTimeout = 60 * time.Second
	exitTimeout  = 20 * time.Second
)

func TestServeStopsCleanlyAndRestarts(t *testing.T) {
	dataDir, httpAddr, adminAddr := t.TempDir(), itest.FreeAddr(t), itest.FreeAddr(t)
	args := []string{"serve", "--data-dir", dataDir, "--http-addr", httpAddr, "--admin-addr", adminAddr,
		"--temporal-port", strconv.Itoa(itest.FreePort(t))}
	readyz := "http://" + httpAddr + "/readyz"

	for _, run := range []string{"first start", "restart on the same data"} {
		p := itest.StartProcess(t, args...)
		took := p.WaitReady(t, readyz, readyTimeout)
		t.Logf("%s: ready %s after exec, RSS %d MiB", run, took.Round(time.Millisecond), p.RSS(t)>>20)
		if code, body := itest.Get(t, "http://"+httpAddr+"/healthz"); code != 200 || body != "ok" {
			t.Fatalf("/healthz = %d %q", code, body)
		}
		// Metrics and the profiler on the admin address only.
		if code, _ := itest.Get(t, "http://"+httpAddr+"/metrics"); code != 404 {
			t.Errorf("public /metrics = %d, want 404", code)
		}
		if code, _ := itest.Get(t, "http://"+httpAddr+"/debug/pprof/"); code == 200 {
			t.Errorf("public /debug/pprof/ = %d", code)
		}
		if code, body := itest.Get(t, "http://"+adminAddr+"/metrics"); code != 200 || !strings.Contains(body, "http_requests_total{") {
			t.Errorf("admin /metrics = %d %.200s", code, body)
		}
		if code, _ := itest.Get(t, "http://"+adminAddr+"/debug/pprof/"); code != 200 {
			t.Errorf("admin /debug/pprof/ = %d", code)
		}
		p.Signal(t, syscall.SIGTERM)
		if code := p.WaitExit(t, exitTimeout); code != 0 {
			t.Fatalf("%s: exit code %d after SIGTERM, want 0", run, code)
		}
	}
}

func TestServeFailsOnABusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	p := itest.StartProcess(t, "serve", "--data-dir", t.TempDir(), "--http-addr", busy.Addr().String(),
		"--temporal-port", strconv.Itoa(itest.FreePort(t)))
	if code := p.WaitExit(t, exitTimeout); code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if out := p.Output(); !strings.Contains(out, "address already in use") || !strings.Contains(out, `"part":"temporal server"`) {
		t.Fatalf("want the bind error and the started parts stopped, got:\n%s", out)
	}
}

// TestServeKeepsItsFilesOwnerOnly starts serve under a umask that would
// leave files readable by the group, on a data dir left open with a key in
// it, and checks that nothing in it is anyone else's to read.
func TestServeKeepsItsFilesOwnerOnly(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0o002))
	dataDir, httpAddr := t.TempDir(), itest.FreeAddr(t)
	if err := os.Chmod(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, "unsubscribe.key"), []byte(strings.Repeat("k", 64)), 0o644); err != nil {
		t.Fatal(err)
	}
	p := itest.StartProcess(t, "serve", "--data-dir", dataDir, "--http-addr", httpAddr,
		"--temporal-port", strconv.Itoa(itest.FreePort(t)))
	p.WaitReady(t, "http://"+httpAddr+"/readyz", readyTimeout)

	seen := map[string]bool{}
	err := filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dataDir, path)
		seen[rel] = true
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", rel, info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"compact.db", "compact.db-wal", "temporal/temporal.db", "temporal/cluster-id", "unsubscribe.key"} {
		if !seen[f] {
			t.Errorf("no %s in the data dir; it holds %v", f, seen)
		}
	}
	p.Signal(t, syscall.SIGTERM)
	if code := p.WaitExit(t, exitTimeout); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
}
