package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// TestTheOfficeSteersARunningSession postpones a session whose window is
// open and moves its venue on the real stack; a deadline given as a date
// alone then ends with that day at the new venue, in the answer and in the
// intake alike; what makes no sense is refused with a problem and changes
// nothing.
func TestTheOfficeSteersARunningSession(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("steer")
	start := time.Now().Add(time.Second)
	tmpl := testTemplate(id, code, start)
	tmpl.Phases[0].Stages[1].TimeZone = "Europe/Zurich"
	launchProcess(t, a, pga, inlineProcess(tmpl))
	pollStore(t, "ts1's window to open", func() bool { return recorded(id, "ts1", "window.opened") })
	base := "/v1/processes/" + id + "/stages/"
	before := timelineStage(t, a, id, "ts1")

	day := func(n int) string { return start.AddDate(0, 0, n).UTC().Format(time.DateOnly) }
	for _, tc := range []struct {
		name, path string
		body       any
		want       int
		detail     string
	}{
		{"move without a reason", "ts1/move", map[string]any{"start": day(17)}, http.StatusBadRequest, ""},
		{"move into the past", "ts1/move", map[string]any{"start": day(-2), "reason": "r"}, http.StatusUnprocessableEntity,
			"stage ts1's start would be " + day(-2)},
		{"move a running accreditation", "acc/move", map[string]any{"start": day(17), "reason": "r"}, http.StatusConflict, ""},
		{"an unknown time zone", "ts1/venue", map[string]any{"place": "Geneva", "timeZone": "Europe/Geneva", "reason": "r"}, http.StatusBadRequest, ""},
		{"cancel without a reason", "conference/cancel", nil, http.StatusBadRequest, ""},
		{"extend by nothing", "ts1/extend", map[string]any{"reason": "r"}, http.StatusBadRequest, ""},
		{"end a session not begun", "ts1/extend", map[string]any{"endNow": true, "reason": "r"}, http.StatusConflict, ""},
		{"a deadline in the past", "ts1/window", map[string]any{"closes": day(-1), "reason": "r"}, http.StatusUnprocessableEntity,
			"deadline would be " + day(-1) + " 24:00 Europe/Zurich"},
	} {
		res := a.do("POST", base+tc.path, pga, tc.body)
		wantProblem(t, tc.name, res, tc.want)
		// A refusal in time names the field and its time, and now's.
		if tc.detail != "" && (!strings.Contains(string(res.Body), tc.detail) || !strings.Contains(string(res.Body), "in the past (it is now ")) {
			t.Errorf("%s: %s, want %q", tc.name, res.Body, tc.detail)
		}
	}
	if after := timelineStage(t, a, id, "ts1"); !after.Spec.Start.Equal(before.Spec.Start.Time) || after.Spec.Place != "Geneva" {
		t.Fatalf("refused changes changed ts1: %+v", after.Spec)
	}

	// Postponed a week: the open window keeps its opening, its deadline follows.
	res := a.do("POST", base+"ts1/move", pga, map[string]any{"start": day(17), "reason": "At the request of the regional groups"})
	var moved process.Stage
	res.JSON(t, &moved)
	if res.Status != http.StatusOK || moved.Spec.Start.Format(time.DateOnly) != day(17) || !moved.Moved {
		t.Fatalf("move: %d %s", res.Status, res.Body)
	}
	shift := moved.Spec.Start.Sub(before.Spec.Start.Time)
	pollStore(t, "the intake to follow the move", func() bool {
		w, err := stack.store.GetWindow(context.Background(), id, "ts1")
		return err == nil && w.State == process.WindowOpen && w.ClosesAt.Equal(before.Spec.Window.Closes.Add(shift))
	})

	res = a.do("POST", base+"ts1/venue", pga, map[string]any{"place": "Vienna", "timeZone": "Europe/Vienna", "reason": "Host country offer"})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"timeZone":"Europe/Vienna"`) {
		t.Fatalf("venue: %d %s", res.Status, res.Body)
	}

	// A deadline given as a date alone ends with that day in Vienna.
	vienna, _ := time.LoadLocation("Europe/Vienna")
	last, _ := time.ParseInLocation(time.DateOnly, day(16), vienna)
	want := last.AddDate(0, 0, 1)
	res = a.do("POST", base+"ts1/window", pga, map[string]any{"closes": day(16), "reason": "Aligned with the session"})
	var mv wire.WindowMove
	res.JSON(t, &mv)
	if res.Status != http.StatusOK || !mv.Closes.Equal(want) || mv.TimeZone != "Europe/Vienna" ||
		!strings.Contains(string(res.Body), day(17)+"T00:00:00+0") {
		t.Fatalf("deadline %s at the venue: %d %s, want %s", day(16), res.Status, res.Body, want)
	}
	pollStore(t, "the intake to take the deadline", func() bool {
		w, err := stack.store.GetWindow(context.Background(), id, "ts1")
		return err == nil && w.ClosesAt.Equal(want)
	})

	// A chair, named, appointed by the office.
	res = a.do("POST", "/v1/processes/"+id+"/co-facilitators", pga,
		map[string]any{"state": "CHE", "person": "Jürg Lauber", "role": "chair", "date": day(0), "reason": "PGA letter"})
	if res.Status != http.StatusOK {
		t.Fatalf("appoint a chair: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "appoint a minister", a.do("POST", "/v1/processes/"+id+"/co-facilitators", pga,
		map[string]any{"state": "CHE", "role": "minister"}), http.StatusBadRequest)

	// The public list of changes says what, who and why.
	res = a.do("GET", "/v1/processes/"+id+"/changes", "", nil)
	var changes []wire.ScheduleChange
	res.JSON(t, &changes)
	var events []string
	for _, c := range changes {
		events = append(events, c.Event+" "+c.StageID)
		if c.Event == "stage.rescheduled" {
			var d struct{ From, To, Reason, By string }
			if err := json.Unmarshal(c.Data, &d); err != nil || d.From != before.Spec.Start.Format(time.DateOnly) ||
				d.To != day(17) || d.Reason == "" || !strings.HasPrefix(d.By, "PGA (tok_") {
				t.Errorf("the move as listed: %s (%v)", c.Data, err)
			}
		}
	}
	if !slices.Equal(events, []string{"stage.rescheduled ts1", "venue.changed ts1", "window.moved ts1", "chair.appointed "}) {
		t.Errorf("changes: %v", events)
	}
}

// TestATemplateDeadlineGivenAsADate: a template's window given as dates
// alone closes at the end of its last day in the venue's zone, and the
// stage, the status and the calendar feed show that one instant, the
// status and the feed with the zone named.
func TestATemplateDeadlineGivenAsADate(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("venueday")
	start := time.Now().Add(time.Second)
	tmpl := testTemplate(id, code, start)
	tmpl.Phases[0].Stages[1].TimeZone = "America/New_York"
	body, err := json.Marshal(inlineProcess(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	// The template as an author writes it: ts1's window in days.
	ny, _ := time.LoadLocation("America/New_York")
	today := start.In(ny).Format(time.DateOnly)
	last := start.In(ny).AddDate(0, 0, 5).Format(time.DateOnly)
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	ts1 := req["templateBody"].(map[string]any)["phases"].([]any)[0].(map[string]any)["stages"].([]any)[1].(map[string]any)
	ts1["window"] = map[string]any{"opens": today, "closes": last}
	launchProcess(t, a, pga, req)

	day, _ := time.ParseInLocation(time.DateOnly, last, ny)
	want := day.AddDate(0, 0, 1) // the next midnight in New York
	if got := timelineStage(t, a, id, "ts1").Spec.Window; got == nil || !got.Closes.Equal(want) {
		t.Fatalf("ts1's window %+v, want it to close at %v", got, want)
	}
	pollStore(t, "ts1's window to open", func() bool { return recorded(id, "ts1", "window.opened") })
	res := a.do("GET", "/v1/processes/"+id, "", nil)
	var st wire.ProcessStatus
	res.JSON(t, &st)
	i := slices.IndexFunc(st.OpenWindows, func(w wire.OpenWindow) bool { return w.StageID == "ts1" })
	if i < 0 || !st.OpenWindows[i].ClosesAt.Equal(want) || st.OpenWindows[i].TimeZone != "America/New_York" ||
		!strings.Contains(string(res.Body), want.In(ny).Format("2006-01-02T15:04:05-07:00")) {
		t.Fatalf("status: %s, want ts1 open until %v", res.Body, want)
	}
	res = a.do("GET", "/v1/processes/"+id+"/calendar.ics", "", nil)
	_, events := parseICS(t, res.Body)
	deadline := eventByUID(events, "ts1.deadline@"+id+".compact")
	if deadline["DTSTART"] != want.UTC().Format("20060102T150405Z") ||
		!strings.Contains(deadline["DESCRIPTION"], last+" 24:00 America/New_York ("+want.UTC().Format(time.RFC3339)+")") {
		t.Errorf("calendar's deadline %v, want %v named in New York", deadline, want)
	}
}
