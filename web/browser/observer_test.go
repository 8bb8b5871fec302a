package browser

import (
	"testing"
	"time"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
)

// TestObserverFollowsWindowClosing: an observer, signed out, keeps a
// process's overview open while a contribution window opens and closes on
// its deadline; the page follows the record's event stream and changes
// without being reloaded.
func TestObserverFollowsWindowClosing(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			b := newTab(t, lang)
			id, code := stacktest.UniqueID("observer-" + lang)
			// A process day lasts 4 s: the process starts the day before its
			// first stage, so the window opens 4 s after it starts and
			// closes 12 s later, time enough for the page to load first.
			const scale = 86400.0 / 4
			d := stacktest.Days(time.Date(2031, 3, 1, 0, 0, 0, 0, time.UTC))
			tmpl := process.Template{
				ID: id, Title: "Observed consultation " + id, Code: code,
				Rules: process.Rules{NonObjectionDays: 1, Adoption: "consensus", Voters: "member-states"},
				Phases: []process.Phase{{ID: "consultations", Title: "Consultations", Stages: []process.StageSpec{
					{ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Human rights of all migrants", Place: "Geneva",
						Start: d(4), Window: &process.Window{Opens: d(0), Closes: d(3)}},
				}}},
			}
			launch(t, map[string]any{"templateBody": tmpl, "id": id, "code": code, "scale": scale})

			b.open("/processes/" + id)
			b.waitFor("the page to follow the event stream", `document.querySelector("[data-live-state=connected]")`)
			if recorded(id, "ts1", "window.closed") {
				t.Fatal("the window closed before the page had loaded: the machine is too slow for this test's clock")
			}
			eval[bool](b, `window.compactNotReloaded = true`)
			b.waitFor("the window to show open", `document.querySelector("#window-ts1")`)
			b.screenshot("overview-window-open")
			b.waitFor("the window to show closed", `!document.querySelector("#window-ts1") && document.querySelector("#no-open-windows")`)
			if !recorded(id, "ts1", "window.closed") {
				t.Error("the page shows the window closed before the record says so")
			}
			if !eval[bool](b, `window.compactNotReloaded === true && performance.getEntriesByType("navigation").length === 1`) {
				t.Error("the page was reloaded: it should have changed in place")
			}
			if said := eval[string](b, `document.querySelector("#live-announcer").textContent`); said == "" {
				t.Error("nothing was announced to screen readers when the window closed")
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
