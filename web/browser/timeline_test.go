package browser

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTimelineLabelsFit opens the replayed gcm-2018's overview at 320, 768
// and 1280 px wide in the six languages: every stage's title on the
// timeline is whole (no ellipsis, its lines together are the title its bar
// names) and every line of it, as Chromium lays it out in the page's
// fonts, stays inside the titles' column, clear of the bars; the phases'
// titles stay inside the image.
func TestTimelineLabelsFit(t *testing.T) {
	skipShort(t)
	h := "/processes/" + url.PathEscape(historyProcess(t))
	for _, lang := range []string{"en", "fr", "es", "ru", "zh", "ar"} {
		for _, width := range []int64{320, 768, 1280} {
			t.Run(fmt.Sprintf("%s/%d", lang, width), func(t *testing.T) {
				t.Parallel()
				b := newTab(t, lang)
				b.do("the viewport", chromedp.EmulateViewport(width, 900))
				b.open(h)
				// In user units: the titles' column is the first 290 of
				// the 1000 (the last, right to left), the bars after it.
				bad := eval[[]string](b, `document.fonts.ready.then(() => {
  const svg = document.querySelector("#timeline-svg");
  if (!svg) return ["no timeline"];
  const rtl = document.documentElement.dir === "rtl";
  const [lo, hi] = rtl ? [710, 1000] : [0, 290];
  const out = [];
  for (const g of svg.querySelectorAll("g[data-stage]")) {
    const label = g.querySelector("text.tl-label");
    const spans = [...label.querySelectorAll("tspan")];
    const lines = spans.length ? spans : [label];
    for (const l of lines) {
      const box = l.getBBox();
      if (box.x < lo - 0.5 || box.x + box.width > hi + 0.5) {
        out.push(g.dataset.stage + ": line " + JSON.stringify(l.textContent) + " spans " + box.x.toFixed(1) + " to " + (box.x + box.width).toFixed(1));
      }
    }
    const text = lines.map(l => l.textContent).join("").replace(/\s/g, "");
    const named = g.querySelector("rect.tl-bar > title").textContent.replace(/\s/g, "");
    if (text.includes("…") || !named.startsWith(text + ":")) {
      out.push(g.dataset.stage + ": label " + JSON.stringify(text) + " is not the title in " + JSON.stringify(named));
    }
  }
  for (const p of svg.querySelectorAll("text.tl-phase-label")) {
    const box = p.getBBox();
    if (box.x < 0 || box.x + box.width > 1000) {
      out.push("phase " + JSON.stringify(p.textContent) + " spans " + box.x.toFixed(1) + " to " + (box.x + box.width).toFixed(1));
    }
  }
  return out;
})`)
				for _, m := range bad {
					t.Error(m)
				}
				b.screenshot(fmt.Sprintf("timeline-%d", width))
			})
		}
	}
}
