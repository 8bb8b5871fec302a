package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
)

// settle bounds each wait for the stack or a page, and tabLife a tab's
// whole use: safety nets that turn a hang into a failure that says what was
// awaited, not timing assertions.
const (
	settle  = 90 * time.Second
	tabLife = 5 * time.Minute
)

// languages are the ones the users' paths are walked in: left to right and
// right to left. TestPagesAccessible checks every page in all six.
var languages = []string{"en", "ar"}

// tab is one browser tab, in a browser context of its own (its own cookies),
// asking for pages in one language.
type tab struct {
	t    *testing.T
	ctx  context.Context // the tab's, for tabLife
	tab  context.Context // the tab's, for as long as the test that opened it
	lang string
}

// skipShort skips a browser test under -short.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("a browser test: -short skips it")
	}
}

// newTab opens a tab; the test is skipped under -short.
func newTab(t *testing.T, lang string) *tab {
	t.Helper()
	skipShort(t)
	ctx, cancel := chromedp.NewContext(stack.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": lang},
	}); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return (&tab{tab: ctx, lang: lang}).on(t)
}

// on is the tab for test t, a subtest of the one that opened it, with
// tabLife from now.
func (b *tab) on(t *testing.T) *tab {
	ctx, cancel := context.WithTimeout(b.tab, tabLife)
	t.Cleanup(cancel)
	return &tab{t: t, ctx: ctx, tab: b.tab, lang: b.lang}
}

// do runs actions in the tab.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open loads a page of the site and wants it served with 200.
func (b *tab) open(path string) {
	b.t.Helper()
	b.openStatus(path, http.StatusOK)
}

// openStatus loads a page of the site and wants it served with status.
func (b *tab) openStatus(path string, status int) {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(stack.url+path))
	if err != nil {
		b.t.Fatalf("opening %s: %v", path, err)
	}
	if res.Status != int64(status) {
		b.t.Fatalf("opening %s: status %d, want %d", path, res.Status, status)
	}
}

// submit does what sends a form (a click, Enter) and waits for the page
// that answers, wanting status.
func (b *tab) submit(what string, status int, action chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, action)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if res.Status != int64(status) {
		b.t.Fatalf("%s: status %d, want %d", what, res.Status, status)
	}
}

// signIn signs in with a token using the keyboard only: Tab to the field,
// type, Enter.
func (b *tab) signIn(token string) {
	b.t.Helper()
	b.open("/signin")
	b.tabTo("#token")
	b.press(token)
	b.submit("signing in", http.StatusOK, chromedp.KeyEvent(kb.Enter))
	b.waitFor("the page to say who is signed in", `document.querySelector("#who")`)
}

// eval evaluates a JavaScript expression in the tab.
func eval[T any](b *tab, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %.80q: %v", js, err)
	}
	return v
}

// waitFor waits until a JavaScript predicate holds in the page.
func (b *tab) waitFor(what, predicate string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](predicate,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(settle))); err != nil {
		b.t.Fatalf("waiting for %s (%s): %v", what, predicate, err)
	}
}

// check is what every page gets: an accessibility check, a look for
// words missing from the language's catalog and for characters no font
// draws, and a screenshot.
func (b *tab) check(page string) {
	b.t.Helper()
	b.axe(page)
	if missing := eval[[]string](b, `document.documentElement.outerHTML.match(/\[\[[\w.-]+\]\]/g) || []`); len(missing) > 0 {
		b.t.Errorf("%s in %s lacks words: %s", page, b.lang, strings.Join(slices.Compact(slices.Sorted(slices.Values(missing))), " "))
	}
	if tofu := eval[[]string](b, missingGlyphs); len(tofu) > 0 {
		b.t.Errorf("%s in %s shows %d characters no installed font draws (tofu): %q", page, b.lang, len(tofu), tofu)
	}
	b.screenshot(page)
}

// missingGlyphs lists the characters of a page's text that no installed
// font draws. Each is drawn on a canvas in the font of the element that
// shows it, with the browser's fallbacks, and compared with U+0378, a code
// point no font has: what a font cannot draw comes out as that same box.
// Spaces, controls and format characters (bidi marks) draw nothing and
// are skipped.
const missingGlyphs = `(() => {
	const canvas = document.createElement("canvas");
	canvas.width = canvas.height = 48;
	const g = canvas.getContext("2d", {willReadFrequently: true});
	const draw = (family, c) => {
		g.clearRect(0, 0, 48, 48);
		g.font = "32px " + family;
		g.fillText(c, 4, 36);
		return g.getImageData(0, 0, 48, 48).data;
	};
	const same = (a, b) => a.every((v, i) => v === b[i]);
	const byFamily = new Map();
	const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = texts.nextNode(); n; n = texts.nextNode()) {
		const el = n.parentElement;
		if (!el || el.closest("script, style, template, noscript")) continue;
		const family = getComputedStyle(el).fontFamily;
		if (!byFamily.has(family)) byFamily.set(family, new Set());
		for (const c of n.data) if (/[^\s\p{Cc}\p{Cf}]/u.test(c)) byFamily.get(family).add(c);
	}
	const missing = new Set();
	for (const [family, chars] of byFamily) {
		const box = draw(family, "\u0378");
		for (const c of chars) if (same(draw(family, c), box)) missing.add(c);
	}
	return [...missing];
})()`

// screenshot saves the whole page as a PNG artefact, page-lang.png.
func (b *tab) screenshot(page string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, fullScreenshot)
	if err != nil {
		b.t.Fatalf("screenshot of %s: %v", page, err)
	}
	name := filepath.Join(b.t.ArtifactDir(), page+"-"+b.lang+".png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// fullScreenshot captures the whole page by making the viewport as tall as
// the page, as Puppeteer does: chromedp.FullScreenshot captures beyond the
// viewport instead, which shifts right-to-left pages off the image.
func fullScreenshot(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	if _, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: int64(m.CSSLayoutViewport.ClientWidth), Height: int64(math.Ceil(m.CSSContentSize.Height)), DeviceScaleFactor: 1,
	}); err != nil {
		return nil, err
	}
	// A PNG encoded for speed, not size: the smallest file cost seconds
	// on long pages.
	shot, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, OptimizeForSpeed: new(true)})
	if _, clearErr := cdp.Call(ctx, t, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err == nil {
		err = clearErr
	}
	return shot.Data, err
}

// axeTags are the rules checked: WCAG 2.0 and 2.1, levels A and AA.
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]`

// axeViolation is one rule axe-core found broken, with the elements.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target         json.RawMessage `json:"target"`
		HTML           string          `json:"html"`
		FailureSummary string          `json:"failureSummary"`
	} `json:"nodes"`
}

// axe injects axe-core into the page, runs it, and fails the test with each
// violation and its elements.
func (b *tab) axe(page string) {
	b.t.Helper()
	b.do("injecting axe-core", chromedp.Evaluate[chromedp.Void](
		`if (typeof window.axe === "undefined") {`+stack.axe+"\n}"))
	res := eval[struct {
		Passed     int // rules that found nothing wrong: none means axe checked nothing
		Violations []axeViolation
	}](b, `axe.run(document, {
		runOnly: {type: "tag", values: `+axeTags+`},
		resultTypes: ["violations"],
	}).then(r => ({Passed: r.passes.length, Violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary}))}))}))`)
	violations := res.Violations
	if len(violations) == 0 {
		if res.Passed == 0 {
			b.t.Errorf("axe-core checked no rule on %s in %s", page, b.lang)
		}
		return
	}
	var s strings.Builder
	fmt.Fprintf(&s, "axe-core: %d violation(s) on %s in %s:", len(violations), page, b.lang)
	for _, v := range violations {
		fmt.Fprintf(&s, "\n- %s (%s): %s\n  %s", v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&s, "\n  at %s\n    %s\n    %s", n.Target, n.HTML,
				strings.ReplaceAll(n.FailureSummary, "\n", "\n    "))
		}
	}
	b.t.Error(s.String())
}

// focused describes the element that has the keyboard focus.
type focused struct {
	Tag, ID, Name, Text string
	Matches             bool // matches the selector asked about
	Visible             bool // :focus-visible and drawn with an outline or a shadow
}

// tabTo presses Tab until the element matching selector has the focus,
// checking that every element reached on the way shows its focus.
func (b *tab) tabTo(selector string) {
	b.t.Helper()
	const most = 60
	for range most {
		b.do("pressing Tab", chromedp.KeyEvent(kb.Tab))
		f := eval[focused](b, `(() => {
			const e = document.activeElement, s = getComputedStyle(e);
			const drawn = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
			return {Tag: e.tagName, ID: e.id, Name: e.getAttribute("name") || "", Text: (e.textContent || "").trim().slice(0, 40),
				Matches: e.matches(`+jsString(selector)+`), Visible: e.matches(":focus-visible") && drawn};
		})()`)
		if !f.Visible && f.Tag != "BODY" {
			b.t.Errorf("keyboard focus on <%s id=%q name=%q> %q is not visible", strings.ToLower(f.Tag), f.ID, f.Name, f.Text)
		}
		if f.Matches {
			return
		}
	}
	b.t.Fatalf("%d presses of Tab never reached %s", most, selector)
}

// press sends keys to the focused element: text, kb.Enter, kb.Tab.
func (b *tab) press(keys string) {
	b.t.Helper()
	b.do("typing", chromedp.KeyEvent(keys))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	j, _ := json.Marshal(s)
	return string(j)
}

// token issues a token straight into the store.
func token(t *testing.T, role api.Role, party string) string {
	t.Helper()
	secret, tok, err := api.NewToken(role, party, "", "browser test", time.Now())
	return stacktest.Issue(t, stack.Store, secret, tok, err)
}

// call sends a JSON request to the API and wants the status; it returns the
// body.
func call(t *testing.T, method, path, token string, body any, status int) []byte {
	t.Helper()
	got, b, err := request(method, path, token, body)
	if err != nil {
		t.Fatal(err)
	}
	if got != status {
		t.Fatalf("%s %s: %d %s, want %d", method, path, got, b, status)
	}
	return b
}

// request sends a JSON request to the API.
func request(method, path, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, stack.url+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}
