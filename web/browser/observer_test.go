package browser

import (
	"net/http"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
)

// TestObserverFollowsWindowClosing: an observer, signed out, keeps a
// process's overview open while the PGA's office opens a contribution
// window and then closes it; the page follows the record's event stream and
// changes without being reloaded.
//
// Each step waits for the page to show the last: the window is scheduled
// an hour away, and the office opens it only once the page follows the
// stream, and closes it only once the page shows it open. However slow the
// machine, the page sees each change.
func TestObserverFollowsWindowClosing(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			b := newTab(t, lang)
			id, code := stacktest.UniqueID("observer-" + lang)
			launch(t, map[string]any{"templateBody": stacktest.Template(id, code, time.Now().Add(time.Hour)), "id": id, "code": code})
			pga := token(t, api.PGAOffice, "PGA")
			window := "/v1/processes/" + id + "/stages/ts1/window"

			b.open("/processes/" + id)
			b.waitFor("the page to follow the event stream", `document.querySelector("[data-live-state=connected]")`)
			b.waitFor("the page to show no window open", `document.querySelector("#no-open-windows")`)
			eval[bool](b, `window.compactNotReloaded = true`)

			call(t, "POST", window, pga, map[string]any{"open": true, "reason": "The consultation begins"}, http.StatusOK)
			b.waitFor("the window to show open", `document.querySelector("#window-ts1")`)
			b.screenshot("overview-window-open")

			// The page shows the window open from the schedule's change on;
			// the stage takes the close once its own workflow has opened it.
			await(t, "the stage to open its window", func() bool { return recorded(id, "ts1", "window.opened") })
			call(t, "POST", window, pga, map[string]any{"close": true, "reason": "Enough contributions"}, http.StatusOK)
			// Closing records the deadline moved to now, then the window
			// closed: the page says so to screen readers when the second
			// arrives.
			b.waitFor("the window to show closed, and screen readers told", `(() => {
				const live = JSON.parse(document.querySelector("#live-data").textContent);
				const said = live.messages["window.closed"].replace("{stage}", live.stages.ts1);
				return !document.querySelector("#window-ts1") && !!document.querySelector("#no-open-windows") &&
					document.querySelector("#live-announcer").textContent === said;
			})()`)
			if !eval[bool](b, `window.compactNotReloaded === true && performance.getEntriesByType("navigation").length === 1`) {
				t.Error("the page was reloaded: it should have changed in place")
			}
			b.check("overview-window-closed")

			// The stage's own page says the same, without the stream.
			b.open("/processes/" + id + "/stages/ts1")
			if !eval[bool](b, `!!document.querySelector("#stage-window .status-sealed")`) {
				t.Error("the stage's page does not show its window sealed")
			}
			b.check("stage-window-closed")
		})
	}
}
