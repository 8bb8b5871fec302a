package itest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/itest"
)

// firstDayTimeout bounds the README's first day: a serve start and a
// dozen requests.
const firstDayTimeout = 3 * time.Minute

// TestREADMEFirstDay runs the shell blocks of the README's "First day"
// section exactly as written, in a fresh directory with the compact binary
// on PATH and serve on free ports, so that the README cannot drift from
// what works.
func TestREADMEFirstDay(t *testing.T) {
	bin := itest.Binary(t)
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("the README's first day needs curl: scripts/test install")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	script := firstDayScript(t, string(readme))

	dir := t.TempDir()
	example := filepath.Join("docs", "examples", "first-day.json")
	tmpl, err := os.ReadFile(filepath.Join("..", "..", example))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "docs", "examples"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, example), tmpl, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "first-day.sh"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}

	httpAddr := itest.FreeAddr(t)
	env := []string{
		"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"COMPACT_SERVER=http://" + httpAddr,
		"COMPACT_HTTP_ADDR=" + httpAddr,
		"COMPACT_ADMIN_ADDR=" + itest.FreeAddr(t),
		"COMPACT_TEMPORAL_PORT=" + strconv.Itoa(itest.FreePort(t)),
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "COMPACT_") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), firstDayTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "first-day.sh")
	cmd.Dir, cmd.Env = dir, env
	// Its own process group, so that a script stopped midway takes its
	// background serve with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("the first day took %s", time.Since(start).Round(time.Millisecond))
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "first-day", "serve.log"))
		t.Fatalf("the README's first day failed: %v\n%s\nserve.log:\n%s", err, out, log)
	}
	for _, want := range []string{`"state":"approved"`, "receipt verified: ", `"verified":true`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the first day's output lacks %q:\n%s", want, out)
		}
	}
}

// firstDayScript is the ```sh blocks between the README's first-day
// markers, in order, as one script.
func firstDayScript(t *testing.T, readme string) string {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "<!-- first-day -->")
	section, _, closed := strings.Cut(rest, "<!-- /first-day -->")
	if !ok || !closed {
		t.Fatal("README.md has no <!-- first-day --> … <!-- /first-day --> section")
	}
	var script strings.Builder
	blocks := 0
	for {
		_, after, ok := strings.Cut(section, "```sh\n")
		if !ok {
			break
		}
		block, tail, ok := strings.Cut(after, "```\n")
		if !ok {
			t.Fatal("README.md: a ```sh block of the first day is not closed")
		}
		script.WriteString(block)
		section, blocks = tail, blocks+1
	}
	if blocks == 0 {
		t.Fatal("README.md: no ```sh block in the first day")
	}
	return script.String()
}
