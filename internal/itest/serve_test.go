package itest_test

import (
	"net"
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
	dataDir, httpAddr := t.TempDir(), itest.FreeAddr(t)
	args := []string{"serve", "--data-dir", dataDir, "--http-addr", httpAddr,
		"--temporal-port", strconv.Itoa(itest.FreePort(t))}
	readyz := "http://" + httpAddr + "/readyz"

	for _, run := range []string{"first start", "restart on the same data"} {
		p := itest.StartProcess(t, args...)
		took := p.WaitReady(t, readyz, readyTimeout)
		t.Logf("%s: ready %s after exec, RSS %d MiB", run, took.Round(time.Millisecond), p.RSS(t)>>20)
		if code, body := itest.Get(t, "http://"+httpAddr+"/healthz"); code != 200 || body != "ok" {
			t.Fatalf("/healthz = %d %q", code, body)
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
