package browser

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
)

// TestOfficeReschedulesRound: the PGA's office signs in, finds a round in
// its schedule and moves it four days later; a refused attempt first
// changes nothing. The public timeline then draws the round further along
// its axis, with where it was first planned.
func TestOfficeReschedulesRound(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			b := newTab(t, lang)
			id, code := stacktest.UniqueID("office-" + lang)
			start := time.Now().Add(time.Hour)
			d := stacktest.Days(start)
			launch(t, map[string]any{"templateBody": stacktest.Template(id, code, start), "id": id, "code": code})
			b.signIn(token(t, api.PGAOffice, "PGA"))

			b.open("/processes/" + id)
			before := roundBar(b)
			if before.Moved {
				t.Fatal("the round is drawn as moved before anyone moved it")
			}

			b.open("/office")
			b.check("office-home")
			b.open("/office/processes/" + id)
			b.check("office-process")
			b.open("/office/processes/" + id + "/stages/round1/reschedule")
			b.check("reschedule-form")

			// A round that would end before it starts is refused with the
			// engine's reason, and the schedule stays as it was.
			b.do("filling the form", chromedp.SetValue(chromedp.CSS("#start"), d(25).Format(time.DateOnly)),
				chromedp.SetValue(chromedp.CSS("#end"), d(24).Format(time.DateOnly)))
			b.submit("rescheduling backwards", http.StatusUnprocessableEntity, chromedp.Click(chromedp.CSS("#reschedule-submit")))
			if reason := eval[string](b, `document.querySelector("#error-summary").textContent`); reason == "" {
				t.Error("the refusal gives no reason")
			}
			b.check("reschedule-refused")
			if got := roundStart(t, id); !got.Equal(d(21).Time) {
				t.Fatalf("after a refused reschedule the round starts %s, want %s as before", got, d(21))
			}

			b.do("filling the form", chromedp.SetValue(chromedp.CSS("#start"), d(25).Format(time.DateOnly)),
				chromedp.SetValue(chromedp.CSS("#end"), d(26).Format(time.DateOnly)),
				chromedp.SendKeys(chromedp.CSS("#reason"), "The conference room is taken"))
			b.submit("rescheduling", http.StatusOK, chromedp.Click(chromedp.CSS("#reschedule-submit")))
			b.check("office-rescheduled")
			if got, want := roundStart(t, id).Format(time.DateOnly), d(25).Format(time.DateOnly); got != want {
				t.Fatalf("the round starts on %s, want %s", got, want)
			}

			b.open("/processes/" + id)
			after := roundBar(b)
			later := after.X > before.X
			if lang == "ar" { // the Arabic timeline runs right to left
				later = after.X < before.X
			}
			if !later || !after.Moved || !after.Ghost {
				t.Errorf("the timeline drew the round at x=%g before and at %+v after, want it later in the reading direction, marked moved, its first place outlined",
					before.X, after)
			}
			b.check("overview-rescheduled")
		})
	}
}

// bar is a stage's bar on the overview's SVG timeline.
type bar struct {
	X     float64
	Moved bool // drawn as rescheduled
	Ghost bool // its first place outlined
}

// roundBar finds the first round's bar by its stage's ID.
func roundBar(b *tab) bar {
	b.t.Helper()
	return eval[bar](b, `(() => {
		const g = document.querySelector('#timeline-svg [data-stage="round1"]');
		const r = g && g.querySelector("rect.tl-bar");
		if (!r) throw new Error("no bar for the first round on the timeline");
		return {X: parseFloat(r.getAttribute("x")), Moved: r.classList.contains("tl-moved"), Ghost: !!g.querySelector("rect.tl-ghost")};
	})()`)
}

// roundStart is the first round's start as the API has it.
func roundStart(t *testing.T, processID string) time.Time {
	t.Helper()
	var st process.Stage
	if err := json.Unmarshal(call(t, "GET", "/v1/processes/"+processID+"/stages/round1", "", nil, http.StatusOK), &st); err != nil {
		t.Fatal(err)
	}
	return st.Spec.Start.Time
}
