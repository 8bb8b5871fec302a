package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// TestSchedulingNamesStepsOutOfOrder checks a revision placed during the
// round it follows, and a thematic session added on another's days: a dry
// run names the notes and changes nothing; the change made names them too,
// and stands.
func TestSchedulingNamesStepsOutOfOrder(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("sequence")
	start := time.Now().Add(time.Hour)
	d := stacktest.Days(start)
	launchProcess(t, a, pga, inlineProcess(testTemplate(id, code, start)))
	awaitRegistered(t, id)
	post := func(path string, body any, status int) wire.ScheduledStage {
		t.Helper()
		res := a.do("POST", "/v1/processes/"+id+path, pga, body)
		if res.Status != status {
			t.Fatalf("%s: %d %s", path, res.Status, res.Body)
		}
		var st wire.ScheduledStage
		res.JSON(t, &st)
		return st
	}
	notes := func(st wire.ScheduledStage) []string {
		var out []string
		for _, n := range st.Sequence {
			out = append(out, string(n.Kind)+":"+n.Other)
		}
		return out
	}
	early := d(21).Format(time.DateOnly)

	for _, c := range []struct{ path, field string }{{"/stages/rev1/move", "start"}, {"/stages/rev1/reschedule", "start"}} {
		st := post(c.path, map[string]any{c.field: early, "reason": "Ready early", "dryRun": true}, http.StatusOK)
		if !st.DryRun || len(st.Sequence) != 1 || notes(st)[0] != "follows:round1" || st.Sequence[0].OtherTitle != "First round" ||
			st.Spec.Start.Format(time.DateOnly) != early {
			t.Fatalf("%s, a dry run: %+v", c.path, st)
		}
		if got := timelineStage(t, a, id, "rev1"); !got.Spec.Start.Equal(d(30).Time) || got.Moved {
			t.Fatalf("%s: the dry run moved rev1 to %s", c.path, got.Spec.Start)
		}
	}
	ext := post("/stages/round1/extend", map[string]any{"days": 10, "reason": "More time", "dryRun": true}, http.StatusOK)
	if !ext.DryRun || len(ext.Sequence) != 1 || notes(ext)[0] != "follows:rev1" {
		t.Fatalf("a round extended past the revision on it, a dry run: %+v", ext)
	}

	session := map[string]any{"phase": "consultations", "dryRun": true, "stage": process.StageSpec{ID: "ts2", Kind: process.ThematicSession,
		Title: "Thematic session 2", Place: "Vienna", Start: d(10.5), End: d(12)}}
	added := post("/stages", session, http.StatusOK)
	if !added.DryRun || len(added.Sequence) != 1 || notes(added)[0] != "overlap:ts1" {
		t.Fatalf("an overlapping session added, a dry run: %+v", added)
	}
	wantProblem(t, "the stage a dry run added", a.do("GET", "/v1/processes/"+id+"/stages/ts2", "", nil), http.StatusNotFound)

	moved := post("/stages/rev1/move", map[string]any{"start": early, "reason": "Ready early"}, http.StatusOK)
	if moved.DryRun || !moved.Moved || len(moved.Sequence) != 1 || notes(moved)[0] != "follows:round1" {
		t.Fatalf("the move made: %+v", moved)
	}
}
