// Command probe is the container image's health check: the distroless image
// has no shell, curl or wget. It GETs a path (default /readyz) of the Compact
// process in the same container and exits 0 on a 2xx answer, 1 otherwise.
//
// It finds the port as the process does, in COMPACT_HTTP_ADDR; an address
// that listens on every interface is probed on the loopback one. Configure
// the HTTP address with COMPACT_HTTP_ADDR rather than --http-addr, or the
// probe looks in the wrong place.
//
//	probe            GET /readyz
//	probe /healthz   GET /healthz
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// defaultAddr is the image's COMPACT_HTTP_ADDR.
const defaultAddr = "0.0.0.0:8080"

// timeout is longer than the API's own bound on each readiness check (3s),
// so a hung dependency is reported by /readyz rather than by a timeout here.
const timeout = 4 * time.Second

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stderr))
}

func run(args []string, getenv func(string) string, stderr io.Writer) int {
	path := "/readyz"
	switch {
	case len(args) > 1:
		fmt.Fprintln(stderr, "usage: probe [/path]")
		return 2
	case len(args) == 1:
		path = args[0]
	}
	url, err := target(getenv("COMPACT_HTTP_ADDR"), path)
	if err != nil {
		fmt.Fprintf(stderr, "probe: %v\n", err)
		return 2
	}
	// No proxy: the process is in this container.
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{Proxy: nil}}
	res, err := client.Get(url)
	if err != nil {
		fmt.Fprintf(stderr, "probe: %v\n", err)
		return 1
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if res.StatusCode/100 != 2 {
		fmt.Fprintf(stderr, "probe: GET %s: %s: %s\n", url, res.Status, strings.TrimSpace(string(body)))
		return 1
	}
	return 0
}

// target is the URL of path on the process listening on addr (host:port).
func target(addr, path string) (string, error) {
	if addr == "" {
		addr = defaultAddr
	}
	if !strings.HasPrefix(path, "/") {
		return "", fmt.Errorf("path %q does not start with /", path)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("COMPACT_HTTP_ADDR=%q: %w", addr, err)
	}
	if port == "" {
		return "", errors.New("COMPACT_HTTP_ADDR has no port")
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}
