// Package browser walks Compact's web pages in headless Chromium, as their
// users would: the pages are served by the real stack (embedded Temporal, a
// worker, SQLite, the API and the site) on loopback, Chromium is Debian's,
// driven by chromedp, and axe-core checks every page for WCAG 2.1 A and AA
// violations, in the UN's six languages (TestPagesAccessible) and, on the
// users' paths, in English and in Arabic. Screenshots of each page are the
// tests' artefacts (go test -artifacts). scripts/test installs Chromium and
// axe-core; without them the tests fail, and only -short skips them.
package browser

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
	"go.temporal.io/sdk/log"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/web"
)

// stack is what the tests share: one test stack and site, and one browser
// whose tabs the tests open.
var stack struct {
	*stacktest.Stack
	url     string          // the site's root, on loopback
	browser context.Context // chromedp's context of the running browser
	axe     string          // axe-core's source, injected into each page
}

// needTools is the message of a run that lacks what the browser tests need.
const needTools = "the browser tests need Debian's chromium and axe-core: scripts/test installs both " +
	"(apt chromium, npm axe-core into a cache, passed as COMPACT_AXE_JS); go test -short skips these tests"

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run()) // each test skips itself
	}
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "web/browser:", err)
		return 1
	}
	chromium, axe, err := tools()
	if err != nil {
		return fail(err)
	}
	stack.axe = axe

	// The workflows' debug lines would bury a failing test's own.
	quiet := log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	st, err := stacktest.Start(stacktest.Options{Logger: quiet})
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	stack.Stack = st

	// The API with the pages mounted on it, as compact serve mounts them;
	// the fixtures replay a history with simulated participants.
	a := api.New(api.Options{Temporal: st.Temporal, Store: st.Store, EnableSimulation: true, Pages: func(h http.Handler) http.Handler {
		return web.New(web.Options{API: h})
	}})
	hs := httptest.NewServer(a.Handler())
	defer hs.Close()
	stack.url = hs.URL

	browser, closeBrowser, err := startBrowser(chromium)
	if err != nil {
		return fail(err)
	}
	defer closeBrowser()
	stack.browser = browser
	return m.Run()
}

// tools finds Chromium (COMPACT_CHROMIUM, else chromium on PATH) and reads
// axe-core (COMPACT_AXE_JS).
func tools() (chromium, axe string, err error) {
	if chromium, err = exec.LookPath(cmp.Or(os.Getenv("COMPACT_CHROMIUM"), "chromium")); err != nil {
		return "", "", fmt.Errorf("%w: %s", err, needTools)
	}
	path := os.Getenv("COMPACT_AXE_JS")
	if path == "" {
		return "", "", errors.New("COMPACT_AXE_JS is not set: " + needTools)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return "", "", fmt.Errorf("reading axe-core: %w: %s", err, needTools)
	}
	return chromium, string(src), nil
}

// startBrowser starts one headless Chromium for every test. The flags keep
// it from reaching out to the network, which is closed on CI, and a fresh
// profile (chromedp makes and removes a temporary one) keeps runs apart.
func startBrowser(chromium string) (context.Context, func(), error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // root, in CI's containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	stop := func() { cancel(); cancelAlloc() }
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		stop()
		return nil, nil, fmt.Errorf("starting %s: %w", chromium, err)
	}
	return ctx, stop, nil
}
