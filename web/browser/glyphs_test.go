package browser

import (
	"net/url"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMissingGlyphsAreFound: the check every page gets finds a character
// no installed font draws (U+1FAE8, of Unicode 15, which Debian's Noto and
// DejaVu fonts lack), and none in Arabic, Chinese, Cyrillic or Latin text,
// which the test install's fonts cover.
func TestMissingGlyphsAreFound(t *testing.T) {
	b := newTab(t, "en")
	page := `<!doctype html><meta charset="utf-8"><body style="font-family: sans-serif">` +
		`<p>Compact — الاتفاق العالمي — 全球契约 — Глобальный договор — España, 19 décembre 2018</p><p>A face: ` + "\U0001FAE8" + `</p>`
	b.do("opening a page", chromedp.Navigate("data:text/html;charset=utf-8,"+url.PathEscape(page)))
	if got := eval[[]string](b, missingGlyphs); !slices.Equal(got, []string{"\U0001FAE8"}) {
		t.Errorf("missing glyphs: %q, want only U+1FAE8", got)
	}
}
