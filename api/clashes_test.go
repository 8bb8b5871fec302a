package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// TestSchedulingWarnsOfClashes runs two processes whose meetings overlap in
// time: the office is warned, and may go on, when a change makes a meeting
// share its days with another process's at the same venue or with the same
// co-facilitators; the calendar of every process shows both and the clash.
func TestSchedulingWarnsOfClashes(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	// Years ahead, so that no other test's process meets on these days.
	start := time.Now().AddDate(40, 0, 0).Truncate(24 * time.Hour)
	first, code1 := uniqueID("clash")
	second, code2 := uniqueID("clash")
	for _, p := range []struct{ id, code string }{{first, code1}, {second, code2}} {
		launchProcess(t, a, pga, inlineProcess(testTemplate(p.id, p.code, start)))
		awaitRegistered(t, p.id)
	}
	day := func(n int) string { return start.AddDate(0, 0, n).Format(time.DateOnly) }
	steer := func(path string, body any) wire.ScheduledStage {
		t.Helper()
		res := a.do("POST", "/v1/processes/"+second+"/stages/"+path, pga, body)
		var st wire.ScheduledStage
		res.JSON(t, &st)
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.Status, res.Body)
		}
		return st
	}
	clashesWith := func(st wire.ScheduledStage) []string {
		var out []string
		for _, c := range st.Clashes {
			out = append(out, c.ProcessID+"/"+c.StageID)
		}
		return out
	}

	// Postponed by a day, the second's first round still meets in New York
	// with the first's: a warning, and the move stands.
	moved := steer("round1/move", map[string]any{"start": day(22), "reason": "Room availability"})
	if !moved.Moved || !slices.Equal(clashesWith(moved), []string{first + "/round1"}) || !moved.Clashes[0].SameVenue {
		t.Fatalf("move: %+v", moved)
	}
	// In Vienna it clashes with nothing, until both processes share a
	// co-facilitator.
	if vienna := steer("round1/venue", map[string]any{"place": "Vienna", "timeZone": "Europe/Vienna", "reason": "Host offer"}); len(vienna.Clashes) != 0 {
		t.Fatalf("in Vienna: %+v", vienna.Clashes)
	}
	for _, id := range []string{first, second} {
		if res := a.do("POST", "/v1/processes/"+id+"/co-facilitators", pga, map[string]any{"state": "MEX"}); res.Status != http.StatusOK {
			t.Fatalf("appoint: %d %s", res.Status, res.Body)
		}
	}
	shared := steer("round1/extend", map[string]any{"days": 1, "reason": "More time for the text"})
	if !slices.Equal(clashesWith(shared), []string{first + "/round1"}) || shared.Clashes[0].SameVenue ||
		!slices.Equal(shared.Clashes[0].CoFacilitators, []string{"MEX"}) {
		t.Fatalf("shared co-facilitator: %+v", shared.Clashes)
	}

	// The calendar of every process: both thematic sessions in Geneva clash.
	res := a.do("GET", "/v1/calendar?from="+day(0)+"&to="+day(60), "", nil)
	var cal wire.OfficeCalendar
	res.JSON(t, &cal)
	var ts1 []wire.ScheduledStage
	for _, m := range cal.Meetings {
		if m.Spec.ID == "ts1" {
			ts1 = append(ts1, m)
		}
		if m.Spec.Kind == process.Draft || m.Spec.Kind == process.AccreditationWindow {
			t.Errorf("the calendar lists %s, not a meeting", m.Spec.ID)
		}
	}
	if res.Status != http.StatusOK || len(ts1) != 2 || len(ts1[0].Clashes) != 1 || ts1[0].Clashes[0].ProcessID == ts1[0].ProcessID {
		t.Fatalf("calendar: %d %+v", res.Status, ts1)
	}
	if !slices.IsSortedFunc(cal.Meetings, func(x, y wire.ScheduledStage) int { return x.Spec.Start.Compare(y.Spec.Start.Time) }) {
		t.Errorf("meetings out of order")
	}

	res = a.do("GET", "/v1/calendar.ics?from="+day(0)+"&to="+day(60), "", nil)
	ics := string(res.Body)
	for _, uid := range []string{"UID:ts1@" + first + ".compact", "UID:round1@" + second + ".compact", "UID:ts1.deadline@" + second + ".compact"} {
		if !strings.Contains(ics, uid) {
			t.Errorf("the feed lacks %s", uid)
		}
	}
	if res.Status != http.StatusOK || strings.Count(ics, "BEGIN:VCALENDAR") != 1 || !strings.Contains(ics, "SEQUENCE:3") {
		t.Fatalf("feed: %d %s", res.Status, ics)
	}

	for _, q := range []string{"from=tomorrow", "from=" + day(10) + "&to=" + day(0), "from=" + day(0) + "&to=" + day(5000)} {
		wantProblem(t, q, a.do("GET", "/v1/calendar?"+q, "", nil), http.StatusBadRequest)
	}
}
