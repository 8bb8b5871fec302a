package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// Serve is `compact serve`'s start on a fresh data dir: from exec to the
// first 200 from /readyz, and its resident memory then.
type Serve struct {
	Ready time.Duration
	RSS   int64 // bytes; 0 where not measured
	// RSSFile is the part of RSS backed by files, the executable's pages
	// mostly: shared with every process running the binary, and given back
	// under memory pressure without a write.
	RSSFile int64
}

// readyWithin bounds the wait for a started serve to be ready.
const readyWithin = time.Minute

// measureServe starts `compact serve` on dataDir and loopback ports, times
// it until /readyz answers 200, reads its RSS and stops it with SIGTERM.
func measureServe(ctx context.Context, compact, dataDir string) (Serve, error) {
	httpPort, err := freePort()
	if err != nil {
		return Serve{}, err
	}
	temporalPort, err := freePort()
	if err != nil {
		return Serve{}, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort))
	cmd := exec.CommandContext(ctx, compact, "serve", "--data-dir", dataDir, "--http-addr", addr,
		"--temporal-port", strconv.Itoa(temporalPort))
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Serve{}, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	readyz := "http://" + addr + "/readyz"
	client := &http.Client{Timeout: time.Second}
	for poll := time.NewTicker(5 * time.Millisecond); ; {
		if res, err := client.Get(readyz); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				pid := cmd.Process.Pid
				return Serve{Ready: time.Since(start), RSS: rssOf(pid), RSSFile: fileRSSOf(pid)}, nil
			}
		}
		if time.Since(start) > readyWithin {
			return Serve{}, fmt.Errorf("not ready after %s", readyWithin)
		}
		select {
		case <-ctx.Done():
			return Serve{}, ctx.Err()
		case <-poll.C:
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	port, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("not a TCP address")
	}
	return port.Port, nil
}
