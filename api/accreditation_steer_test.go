package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// TestTheOfficeOpensAndClosesTheAccreditationWindowEarly: the office opens
// a running accreditation stage's window before its date, and an
// application is taken; it closes it early, and the next is refused with
// the window's new dates; both changes are on the public list with who and
// why. Changes that make no sense are refused, pointing at the field.
func TestTheOfficeOpensAndClosesTheAccreditationWindowEarly(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("acc-steer")
	tmpl := accreditationTemplate(id, code)
	acc := &tmpl.Phases[0].Stages[0]
	acc.End = process.Date{Time: acc.Start.AddDate(0, 0, 8)}
	acc.Window = &process.Window{Opens: process.Date{Time: acc.Start.AddDate(0, 0, 4)}, Closes: process.Date{Time: acc.Start.AddDate(0, 0, 7)}}
	launchProcess(t, a, pga, mergeBody(inlineProcess(tmpl), map[string]any{"scale": accreditationScale}))
	awaitRecord(t, id, "acc", "stage.started")
	apps := "/v1/processes/" + id + "/applications"
	apply := func(party string) response {
		return a.do("POST", apps, a.token(Stakeholder, party, ""), map[string]any{"name": "Forum " + party, "category": "academia"})
	}
	window := "/v1/processes/" + id + "/stages/acc/window"
	pointer := func(what string, res response, status int, want string) {
		t.Helper()
		wantProblem(t, what, res, status)
		if p := problemOf(t, res); len(p.Errors) != 1 || p.Errors[0].Pointer != want {
			t.Errorf("%s: %+v, want the pointer %s", what, p, want)
		}
	}

	wantProblem(t, "apply before the window", apply("before"), http.StatusConflict)
	pointer("open without a reason", a.do("POST", window, pga, map[string]any{"open": true}), http.StatusBadRequest, "/reason")
	pointer("close before it opens", a.do("POST", window, pga, map[string]any{"close": true, "reason": "r"}), http.StatusConflict, "/close")
	pointer("open and close", a.do("POST", window, pga, map[string]any{"open": true, "close": true, "reason": "r"}), http.StatusBadRequest, "/close")
	wantProblem(t, "open as a stakeholder", a.do("POST", window, a.token(Stakeholder, "ngo-x", ""), map[string]any{"open": true, "reason": "r"}), http.StatusForbidden)

	res := a.do("POST", window, pga, map[string]any{"open": true, "reason": "The list of applicants is expected early"})
	var opened wire.WindowMove
	res.JSON(t, &opened)
	if res.Status != http.StatusOK || !opened.Opens.Before(acc.Window.Opens.Time) || !opened.Closes.Equal(acc.Window.Closes.Time) {
		t.Fatalf("open early: %d %s", res.Status, res.Body)
	}
	if res := apply("early"); res.Status != http.StatusCreated {
		t.Fatalf("apply once opened early: %d %s", res.Status, res.Body)
	}
	pointer("open twice", a.do("POST", window, pga, map[string]any{"open": true, "reason": "r"}), http.StatusConflict, "/open")

	res = a.do("POST", window, pga, map[string]any{"close": true, "reason": "Enough applications for the hearing"})
	var closed wire.WindowMove
	res.JSON(t, &closed)
	if res.Status != http.StatusOK || !closed.Closes.Before(acc.Window.Closes.Time) || closed.TimeZone != "UTC" {
		t.Fatalf("close early: %d %s", res.Status, res.Body)
	}
	res = apply("late")
	wantProblem(t, "apply after the early close", res, http.StatusConflict)
	row, err := stack.store.GetWindow(context.Background(), id, "acc")
	if err != nil {
		t.Fatal(err)
	}
	if d := problemOf(t, res).Detail; !strings.Contains(d, "to "+process.FormatDeadline(row.ClosesAt, time.UTC)) {
		t.Errorf("the refusal %q does not give the new close %s", d, process.FormatDeadline(row.ClosesAt, time.UTC))
	}
	pointer("close twice", a.do("POST", window, pga, map[string]any{"close": true, "reason": "r"}), http.StatusConflict, "/close")

	var changes []wire.ScheduleChange
	a.do("GET", "/v1/processes/"+id+"/changes", "", nil).JSON(t, &changes)
	var got []string
	for _, c := range changes {
		var d struct{ By, Reason string }
		if err := json.Unmarshal(c.Data, &d); err != nil {
			t.Fatal(err)
		}
		got = append(got, c.Event+" by "+strings.Fields(d.By)[0]+": "+d.Reason)
	}
	want := []string{"opening.moved by PGA: The list of applicants is expected early", "deadline.moved by PGA: Enough applications for the hearing"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the public changes: %q, want %q", got, want)
	}
	circulated := awaitRecord(t, id, "acc", "list.circulated")
	if !strings.Contains(circulated.Data, `"parties":["early"]`) {
		t.Errorf("the list circulated at the early close: %s", circulated.Data)
	}

	if *recordHistories {
		awaitRecord(t, id, "", "process.completed")
		writeHistory(t, workflows.ProcessWorkflowID(id), "accreditation-steered-process.json")
		writeHistory(t, workflows.StageWorkflowID(id, "acc"), "accreditation-steered-accreditation.json")
	}
}
