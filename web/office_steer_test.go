package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestOfficeSteersAStage walks the office's steering forms: move, extend
// and change the venue of a stage, each refused without a reason or with
// an unknown time zone, changing nothing, and applied with one.
func TestOfficeSteersAStage(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id := ts.launch("steer")
	base := "/office/processes/" + id
	b := ts.browser()
	b.signIn(ts.token("pga-office", "PGA", ""))
	wantPage(t, "office page", b.get(base), http.StatusOK, `id="move-ts1"`, `id="extend-ts1"`, `id="venue-ts1"`)

	ts1 := stageOf(t, ts, id, "ts1")
	newStart := ts1.Spec.Start.AddDate(0, 0, 7).Format(time.DateOnly)
	refusedForm(t, b, base+"/stages/ts1/move", url.Values{"start": {newStart}}, http.StatusUnprocessableEntity,
		"reason is required", `href="#reason"`, `value="`+newStart+`"`)
	doneForm(t, b, base+"/stages/ts1/move", url.Values{"start": {newStart}, "reason": {"Postponed"}}, "Thematic session 1")
	moved := stageOf(t, ts, id, "ts1")
	if moved.Spec.Start.Format(time.DateOnly) != newStart || !moved.Moved {
		t.Fatalf("ts1 after the move: %+v", moved.Spec)
	}

	refusedForm(t, b, base+"/stages/ts1/extend", url.Values{"days": {"0"}, "reason": {"r"}}, http.StatusUnprocessableEntity, `href="#days"`)
	doneForm(t, b, base+"/stages/ts1/extend", url.Values{"days": {"2"}, "reason": {"More panels"}}, "Thematic session 1")
	if after := stageOf(t, ts, id, "ts1"); !after.Spec.End.Equal(moved.Spec.End.AddDate(0, 0, 2)) {
		t.Fatalf("ts1 ends %v after the extension, want two days after %v", after.Spec.End, moved.Spec.End)
	}

	refusedForm(t, b, base+"/stages/ts1/venue", url.Values{"place": {"Geneva"}, "timeZone": {"Europe/Geneva"}, "reason": {"r"}},
		http.StatusUnprocessableEntity, `href="#timeZone"`, `value="Europe/Geneva"`)
	doneForm(t, b, base+"/stages/ts1/venue", url.Values{"place": {"Vienna"}, "timeZone": {"Europe/Vienna"}, "reason": {"Host offer"}}, "Thematic session 1")
	if after := stageOf(t, ts, id, "ts1"); after.Spec.Place != "Vienna" || after.Spec.TimeZone != "Europe/Vienna" {
		t.Fatalf("ts1's venue: %q %q", after.Spec.Place, after.Spec.TimeZone)
	}
}
