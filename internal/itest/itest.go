// Package itest runs Compact for integration tests: it builds the compact
// binary once per test binary and starts, probes and stops its processes.
// Every process listens on 127.0.0.1 only.
package itest

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// binary is the compact binary Main built; empty in -short mode.
var binary string

// Main builds the compact binary, runs the tests and removes the binary.
// Call it from TestMain: os.Exit(itest.Main(m)). In -short mode it builds
// nothing and StartProcess skips.
func Main(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "compact-itest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "itest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	out := filepath.Join(dir, "compact")
	build := exec.Command("go", "build", "-o", out, "github.com/compact-un/compact/cmd/compact")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "itest: go build ./cmd/compact:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "itest: built compact in %s\n", time.Since(start).Round(time.Millisecond))
	binary = out
	return m.Run()
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// FreeAddr is 127.0.0.1:FreePort.
func FreeAddr(t testing.TB) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t)))
}

// Logger logs into a buffer that the test prints if it fails. Unlike a
// logger over t.Log, it may outlive the test: servers log while stopping.
func Logger(t testing.TB) *zap.Logger {
	buf := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", buf)
		}
	})
	enc := zap.NewDevelopmentEncoderConfig()
	return zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.AddSync(buf), zapcore.DebugLevel))
}

// Proc is a running compact process.
type Proc struct {
	Args    []string
	Started time.Time
	cmd     *exec.Cmd
	out     *syncBuffer
	done    chan struct{} // closed when the process has exited
}

// Binary is the path of the compact binary Main built; it skips the test
// when there is none.
func Binary(t testing.TB) string {
	t.Helper()
	if binary == "" {
		t.Skip("no compact binary: -short, or the test package has no TestMain calling itest.Main")
	}
	return binary
}

// StartProcess runs the compact binary with args, its output captured and
// printed if the test fails. Cleanup kills it if it is still running.
func StartProcess(t testing.TB, args ...string) *Proc {
	t.Helper()
	p := &Proc{Args: args, out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(Binary(t), args...)
	p.cmd.Env = environ()
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.Started = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start compact %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if !p.Exited() {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("compact %s (pid %d) output:\n%s", strings.Join(args, " "), p.Pid(), p.out)
		}
	})
	return p
}

// environ is this process's environment without COMPACT_* variables, so
// that a developer's settings cannot reconfigure a test's processes, and
// with an admin address of the system's choosing (a test that reads it
// gives --admin-addr), so that processes side by side do not contend for
// the default one.
func environ() []string {
	env := []string{"COMPACT_ADMIN_ADDR=127.0.0.1:0"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "COMPACT_") {
			env = append(env, kv)
		}
	}
	return env
}

// Pid is the process's ID.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Output is what the process has written to stdout and stderr so far.
func (p *Proc) Output() string { return p.out.String() }

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Signal sends sig to the process.
func (p *Proc) Signal(t testing.TB, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v to compact %s: %v", sig, p.Args[0], err)
	}
}

// WaitExit waits for the process to exit and returns its exit code; it
// fails the test after timeout.
func (p *Proc) WaitExit(t testing.TB, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(timeout):
		t.Fatalf("compact %s did not exit within %s", p.Args[0], timeout)
		return -1
	}
}

// WaitReady polls url until it answers 200 and returns the time from the
// process's start. It fails the test after timeout or if the process exits.
func (p *Proc) WaitReady(t testing.TB, url string, timeout time.Duration) time.Duration {
	t.Helper()
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 5 * time.Second}
	last := "no answer"
	for {
		code, body, err := get(client, url)
		if err == nil && code == http.StatusOK {
			return time.Since(p.Started)
		}
		if err != nil {
			last = err.Error()
		} else {
			last = fmt.Sprintf("%d %s", code, body)
		}
		if p.Exited() {
			t.Fatalf("compact %s exited (code %d) before %s was ready; last answer: %s",
				p.Args[0], p.cmd.ProcessState.ExitCode(), url, last)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %s; last answer: %s", url, timeout, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func get(client *http.Client, url string) (int, string, error) {
	res, err := client.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, strings.TrimSpace(string(body)), err
}

// Get fetches url and returns its status code and body.
func Get(t testing.TB, url string) (int, string) {
	t.Helper()
	code, body, err := get(&http.Client{Timeout: 10 * time.Second}, url)
	if err != nil {
		t.Fatal(err)
	}
	return code, body
}

// RSS is the process's resident set size in bytes (VmRSS, Linux only).
func (p *Proc) RSS(t testing.TB) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid()))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", rest, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc status")
	return 0
}

// Eventually retries f every 100ms until it returns nil, failing the test
// with f's last error after timeout.
func Eventually(t testing.TB, timeout time.Duration, f func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		err := f(ctx)
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("not within %s: %v", timeout, errors.Join(err, ctx.Err()))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// syncBuffer is a bytes.Buffer that several goroutines may write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
