package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// settle bounds every wait on a workflow: it polls the store, never sleeps
// a fixed time.
const settle = 60 * time.Second

// pollStore waits until cond holds, polling every 50 ms.
func pollStore(t *testing.T, what string, cond func() bool) {
	t.Helper()
	stacktest.Await(t, settle, what, cond)
}

// launchProcess creates a process over the API and waits until its workflow
// has registered it in the store.
func launchProcess(t *testing.T, a *apiServer, pga string, body map[string]any) wire.ProcessStatus {
	t.Helper()
	res := a.do("POST", "/v1/processes", pga, body)
	if res.Status != http.StatusCreated {
		t.Fatalf("create process: %d %s", res.Status, res.Body)
	}
	var p wire.ProcessStatus
	res.JSON(t, &p)
	awaitRegistered(t, p.ID)
	return p
}

// awaitRegistered waits until a process's workflow has written its read
// model: it records process.created once its rows are all written.
func awaitRegistered(t *testing.T, processID string) {
	t.Helper()
	pollStore(t, "process "+processID+" to be registered", func() bool { return recorded(processID, "", "process.created") })
}

// recorded reports whether a stage's event is in the process's record: a
// stage workflow records its first event once it runs and takes updates.
func recorded(processID, stageID, event string) bool {
	return stacktest.Recorded(stack.store, processID, stageID, event)
}

// inlineProcess is the body that creates a process from tmpl.
func inlineProcess(tmpl process.Template) map[string]any {
	return map[string]any{"templateBody": tmpl, "id": tmpl.ID, "code": tmpl.Code}
}

// wantProblem checks a problem+json response's status.
func wantProblem(t *testing.T, what string, res response, status int) {
	t.Helper()
	if res.Status != status || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s: %d %s %s, want problem %d", what, res.Status, res.Header.Get("Content-Type"), res.Body, status)
	}
}

// timelineStage finds a stage in GET …/stages.
func timelineStage(t *testing.T, a *apiServer, processID, stageID string) process.Stage {
	t.Helper()
	res := a.do("GET", "/v1/processes/"+processID+"/stages", "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("timeline: %d %s", res.Status, res.Body)
	}
	var stages []process.Stage
	res.JSON(t, &stages)
	for _, sg := range stages {
		if sg.Spec.ID == stageID {
			return sg
		}
	}
	t.Fatalf("timeline of %s lacks %s", processID, stageID)
	return process.Stage{}
}

// changeEvents lists GET …/changes' events as "event stage".
func changeEvents(t *testing.T, a *apiServer, processID string) []string {
	t.Helper()
	res := a.do("GET", "/v1/processes/"+processID+"/changes", "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("changes: %d %s", res.Status, res.Body)
	}
	var changes []wire.ScheduleChange
	res.JSON(t, &changes)
	var out []string
	for _, c := range changes {
		out = append(out, strings.TrimSpace(c.Event+" "+c.StageID))
	}
	return out
}

// Two offices creating one process at once: exactly one creates it, the
// others are told it exists, and the row stays the winner's.
func TestCreateProcessRace(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("race")
	body := inlineProcess(testTemplate(id, code, time.Now().Add(5*24*time.Hour)))
	statuses := make(chan int, 6)
	var wg sync.WaitGroup
	for range cap(statuses) {
		wg.Go(func() { statuses <- a.do("POST", "/v1/processes", pga, body).Status })
	}
	wg.Wait()
	close(statuses)
	var created, conflicts int
	for st := range statuses {
		switch st {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			conflicts++
		default:
			t.Fatalf("create answered %d", st)
		}
	}
	if created != 1 || conflicts != cap(statuses)-1 {
		t.Fatalf("%d created, %d conflicts; want 1 and %d", created, conflicts, cap(statuses)-1)
	}
	awaitRegistered(t, id)
	if res := a.do("POST", "/v1/processes", pga, body); res.Status != http.StatusConflict {
		t.Fatalf("create again: %d %s", res.Status, res.Body)
	}
	res := a.do("GET", "/v1/processes/"+id, "", nil)
	var st wire.ProcessStatus
	res.JSON(t, &st)
	if res.Status != http.StatusOK || st.Status != "running" {
		t.Fatalf("after the race: %d %s", res.Status, res.Body)
	}
}

func TestCreateProcess(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("create")
	tmpl := testTemplate(id, code, time.Now().Add(5*24*time.Hour))

	res := a.do("POST", "/v1/processes", pga, inlineProcess(tmpl))
	if res.Status != http.StatusCreated || res.Header.Get("Location") != "/v1/processes/"+id {
		t.Fatalf("create: %d %v %s", res.Status, res.Header, res.Body)
	}
	var created process.Process
	res.JSON(t, &created)
	if created.ID != id || created.Code != code || created.Status != process.ProcessStarting || created.TemplateID != id {
		t.Fatalf("created %+v", created)
	}
	awaitRegistered(t, id)

	res = a.do("GET", "/v1/processes/"+id, "", nil)
	var st wire.ProcessStatus
	res.JSON(t, &st)
	if res.Status != http.StatusOK || st.Phase != "consultations" || len(st.Current) != 0 ||
		st.Next == nil || st.Next.StageID != "acc" || !st.Next.Start.Equal(tmpl.Phases[0].Stages[0].Start.Time) ||
		st.Counts[process.Scheduled] != 7 || len(st.OpenWindows) != 0 {
		t.Fatalf("status: %d %+v", res.Status, st)
	}
	res = a.do("GET", "/v1/processes", "", nil)
	var all []wire.ProcessStatus
	res.JSON(t, &all)
	if !slices.ContainsFunc(all, func(p wire.ProcessStatus) bool { return p.ID == id && p.Counts[process.Scheduled] == 7 }) {
		t.Fatalf("list lacks %s: %s", id, res.Body)
	}

	// A built-in template under another ID and code, moved to a new date.
	id2, code2 := uniqueID("gcm")
	startsOn := time.Now().Add(60 * 24 * time.Hour).UTC().Truncate(24 * time.Hour)
	res = a.do("POST", "/v1/processes", pga, map[string]any{
		"template": "gcm-2018", "id": id2, "code": code2, "startsOn": startsOn.Format(time.DateOnly),
	})
	res.JSON(t, &created)
	if res.Status != http.StatusCreated || created.ID != id2 || created.TemplateID != "gcm-2018" || created.Code != code2 {
		t.Fatalf("create from gcm-2018: %d %s", res.Status, res.Body)
	}
	awaitRegistered(t, id2)
	res = a.do("GET", "/v1/processes/"+id2+"/stages", "", nil)
	var stages []process.Stage
	res.JSON(t, &stages)
	if len(stages) == 0 || !stages[0].Spec.Begins().Equal(startsOn) {
		t.Fatalf("gcm-2018 shifted to %s: %s", startsOn, res.Body)
	}

	badTemplate := testTemplate("bad", "BAD", time.Now().Add(24*time.Hour))
	badTemplate.Phases[0].Stages[0].Window.Closes = badTemplate.Phases[0].Stages[0].Window.Opens
	stakeholder := a.token(Stakeholder, "ngo-create", "")
	fresh := func(body map[string]any) map[string]any {
		id, code := uniqueID("refused")
		return mergeBody(map[string]any{"id": id, "code": code}, body)
	}
	for _, tc := range []struct {
		name   string
		token  string
		body   any
		header []string
		want   int
	}{
		{"no token", "", inlineProcess(tmpl), nil, http.StatusUnauthorized},
		{"wrong role", stakeholder, inlineProcess(tmpl), nil, http.StatusForbidden},
		{"bad token", "cpt_nope", inlineProcess(tmpl), nil, http.StatusUnauthorized},
		{"not JSON", pga, []byte(`{"template":"gcm-2018"}`), []string{"Content-Type", "text/plain"}, http.StatusUnsupportedMediaType},
		{"malformed", pga, []byte(`{"template":`), nil, http.StatusBadRequest},
		{"neither template", pga, fresh(nil), nil, http.StatusBadRequest},
		{"both templates", pga, fresh(map[string]any{"template": "gcm-2018", "templateBody": tmpl}), nil, http.StatusBadRequest},
		{"unknown template field", pga, fresh(map[string]any{"templateBody": map[string]any{"id": "x", "colour": "blue"}}), nil, http.StatusBadRequest},
		{"bad date", pga, fresh(map[string]any{"template": "gcm-2018", "startsOn": "next week"}), nil, http.StatusBadRequest},
		{"slow clock", pga, fresh(map[string]any{"template": "gcm-2018", "scale": 0.5}), nil, http.StatusBadRequest},
		{"simulation off", pga, fresh(map[string]any{"template": "gcm-2018", "scale": 2e7, "simulation": map[string]any{"stakeholders": 2}}), nil, http.StatusForbidden},
		{"invalid template", pga, fresh(map[string]any{"templateBody": badTemplate}), nil, http.StatusUnprocessableEntity},
		{"history in real time", pga, fresh(map[string]any{"template": "gcm-2018"}), nil, http.StatusUnprocessableEntity},
		{"unknown template", pga, fresh(map[string]any{"template": "kyoto-1997"}), nil, http.StatusUnprocessableEntity},
		{"invalid id", pga, map[string]any{"template": "gcm-2018", "id": "Not An ID", "code": "NOTANID"}, nil, http.StatusUnprocessableEntity},
		{"same id", pga, inlineProcess(tmpl), nil, http.StatusConflict},
		{"same code", pga, fresh(map[string]any{"template": "gcm-2018", "code": code, "startsOn": startsOn}), nil, http.StatusConflict},
	} {
		res := a.do("POST", "/v1/processes", tc.token, tc.body, tc.header...)
		wantProblem(t, tc.name, res, tc.want)
		if body, ok := tc.body.(map[string]any); ok && body["id"] != id {
			if _, err := stack.store.GetProcess(context.Background(), body["id"].(string)); process.KindOf(err) != process.NotFound {
				t.Errorf("%s: a refused create left process %v: %v", tc.name, body["id"], err)
			}
		}
	}
	if p, err := stack.store.GetProcess(context.Background(), id); err != nil || p.Code != code || p.Status != "running" {
		t.Fatalf("refused creates changed %s: %+v %v", id, p, err)
	}
}

// mergeBody is a copy of base with extra's fields over it.
func mergeBody(base, extra map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// TestSimulationIsTheOperatorsChoice: a process with simulated participants
// starts only on a server whose operator enabled simulation; elsewhere the
// create is refused at its simulation field and nothing starts.
func TestSimulationIsTheOperatorsChoice(t *testing.T) {
	t.Parallel()
	off := newAPIServer(t)
	on := newAPIServer(t, func(o *Options) { o.EnableSimulation = true })
	pga := off.token(PGAOffice, "PGA", "")
	simulated := func(sim map[string]any) map[string]any {
		id, code := uniqueID("sim")
		body := inlineProcess(testTemplate(id, code, time.Now().Add(5*24*time.Hour)))
		body["simulation"] = sim
		return body
	}

	body := simulated(map[string]any{"stakeholders": 2, "contributionsPerWindow": 1})
	res := off.do("POST", "/v1/processes", pga, body)
	wantProblem(t, "simulation off", res, http.StatusForbidden)
	var p wire.Problem
	res.JSON(t, &p)
	if len(p.Errors) != 1 || p.Errors[0].Pointer != "/simulation" {
		t.Errorf("simulation off: errors %+v, want one at /simulation", p.Errors)
	}
	if _, err := stack.store.GetProcess(context.Background(), body["id"].(string)); process.KindOf(err) != process.NotFound {
		t.Errorf("a refused simulation left process %v: %v", body["id"], err)
	}

	wantProblem(t, "negative simulation", on.do("POST", "/v1/processes", pga, simulated(map[string]any{"stakeholders": -1})), http.StatusBadRequest)
	body = simulated(map[string]any{"stakeholders": 2, "contributionsPerWindow": 1})
	if res := on.do("POST", "/v1/processes", pga, body); res.Status != http.StatusCreated {
		t.Fatalf("simulation on: %d %s", res.Status, res.Body)
	}
	awaitRegistered(t, body["id"].(string))
}

func TestProcessReadsNotFound(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	for _, path := range []string{
		"/v1/processes/no-such-process", "/v1/processes/no-such-process/stages",
		"/v1/processes/no-such-process/stages/acc", "/v1/processes/no-such-process/changes",
	} {
		wantProblem(t, path, a.do("GET", path, "", nil), http.StatusNotFound)
	}
	wantProblem(t, "bad token", a.do("GET", "/v1/processes", "cpt_unknown", nil), http.StatusUnauthorized)
}

func TestScheduleChanges(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	state := a.token(MemberState, "MEX", "")
	id, code := uniqueID("schedule")
	start := time.Now().Add(5 * 24 * time.Hour)
	p := launchProcess(t, a, pga, inlineProcess(testTemplate(id, code, start)))
	if unknown := timelineStage(t, a, p.ID, "ts1"); unknown.Moved {
		t.Fatalf("ts1 moved before any change: %+v", unknown)
	}
	base := "/v1/processes/" + id + "/stages/"

	// Reschedule: the timeline shows the new dates, the changes list it.
	newStart := process.Date{Time: start.Add(13 * 24 * time.Hour).UTC().Truncate(time.Second)}
	newEnd := process.Date{Time: newStart.Add(24 * time.Hour)}
	res := a.do("POST", base+"ts1/reschedule", pga, map[string]any{"start": newStart, "end": newEnd, "reason": "venue"})
	var moved process.Stage
	res.JSON(t, &moved)
	if res.Status != http.StatusOK || !moved.Moved || !moved.Spec.Start.Equal(newStart.Time) {
		t.Fatalf("reschedule: %d %s", res.Status, res.Body)
	}
	ts1 := timelineStage(t, a, id, "ts1")
	if !ts1.Moved || !ts1.Spec.Start.Equal(newStart.Time) || !ts1.Spec.End.Equal(newEnd.Time) {
		t.Fatalf("timeline after reschedule: %+v", ts1)
	}
	res = a.do("GET", base+"ts1", "", nil)
	var detail wire.StageDetail
	res.JSON(t, &detail)
	// The intake's window moved with the stage, as scheduled.
	if res.Status != http.StatusOK || !detail.Moved || detail.Window == nil || detail.Window.State != process.WindowScheduled ||
		!detail.Window.OpensAt.Equal(detail.Spec.Window.Opens.Time) || !detail.Window.ClosesAt.Equal(detail.Spec.Window.Closes.Time) {
		t.Fatalf("stage detail: %d %s", res.Status, res.Body)
	}

	for _, tc := range []struct {
		name  string
		path  string
		token string
		body  any
		want  int
	}{
		{"into the past", base + "ts1/reschedule", pga, map[string]any{"start": time.Now().Add(-24 * time.Hour).Format(time.RFC3339)}, http.StatusUnprocessableEntity},
		{"end before start", base + "ts1/reschedule", pga, map[string]any{"start": newStart, "end": start.Format(time.DateOnly)}, http.StatusUnprocessableEntity},
		{"no start", base + "ts1/reschedule", pga, map[string]any{"reason": "none"}, http.StatusBadRequest},
		{"unknown stage", base + "ts9/reschedule", pga, map[string]any{"start": newStart}, http.StatusNotFound},
		{"unknown process", "/v1/processes/no-such-process/stages/ts1/reschedule", pga, map[string]any{"start": newStart}, http.StatusNotFound},
		{"wrong role", base + "ts1/reschedule", state, map[string]any{"start": newStart}, http.StatusForbidden},
		{"no token", base + "ts1/reschedule", "", map[string]any{"start": newStart}, http.StatusUnauthorized},
		{"not JSON", base + "ts1/reschedule", pga, []byte("start=tomorrow"), http.StatusUnsupportedMediaType},
	} {
		var header []string
		if _, raw := tc.body.([]byte); raw {
			header = []string{"Content-Type", "application/x-www-form-urlencoded"}
		}
		wantProblem(t, tc.name, a.do("POST", tc.path, tc.token, tc.body, header...), tc.want)
	}
	if after := timelineStage(t, a, id, "ts1"); !after.Spec.Start.Equal(newStart.Time) || !after.Spec.End.Equal(newEnd.Time) {
		t.Fatalf("refused reschedules changed ts1: %+v", after.Spec)
	}

	// Add a stage, then cancel it.
	added := map[string]any{"phase": "consultations", "reason": "demand", "stage": process.StageSpec{
		ID: "ts2", Kind: process.ThematicSession, Code: "TS2", Title: "Thematic session 2", Place: "Vienna",
		Start: process.Date{Time: start.Add(15 * 24 * time.Hour).UTC().Truncate(time.Second)},
		Window: &process.Window{Opens: process.Date{Time: start.Add(10 * 24 * time.Hour).UTC().Truncate(time.Second)},
			Closes: process.Date{Time: start.Add(15 * 24 * time.Hour).UTC().Truncate(time.Second)}},
	}}
	res = a.do("POST", "/v1/processes/"+id+"/stages", pga, added)
	if res.Status != http.StatusCreated || res.Header.Get("Location") != base+"ts2" {
		t.Fatalf("add stage: %d %s", res.Status, res.Body)
	}
	if ts2 := timelineStage(t, a, id, "ts2"); ts2.Status != process.Scheduled || ts2.Phase != "consultations" {
		t.Fatalf("added stage: %+v", ts2)
	}
	wantProblem(t, "add twice", a.do("POST", "/v1/processes/"+id+"/stages", pga, added), http.StatusConflict)
	wantProblem(t, "add to no phase", a.do("POST", "/v1/processes/"+id+"/stages", pga,
		mergeBody(added, map[string]any{"phase": "no-such-phase"})), http.StatusNotFound)
	wantProblem(t, "add an invalid stage", a.do("POST", "/v1/processes/"+id+"/stages", pga,
		mergeBody(added, map[string]any{"stage": process.StageSpec{ID: "ts3", Kind: "picnic", Title: "?", Start: newStart}})), http.StatusBadRequest)
	wantProblem(t, "add in the past", a.do("POST", "/v1/processes/"+id+"/stages", pga,
		mergeBody(added, map[string]any{"stage": process.StageSpec{ID: "ts3", Kind: process.Milestone, Title: "Past",
			Start: process.Date{Time: time.Now().Add(-48 * time.Hour)}}})), http.StatusUnprocessableEntity)
	wantProblem(t, "add as a State", a.do("POST", "/v1/processes/"+id+"/stages", state, added), http.StatusForbidden)

	res = a.do("POST", base+"ts2/cancel", pga, map[string]string{"reason": "merged with ts1"})
	var cancelled process.Stage
	res.JSON(t, &cancelled)
	if res.Status != http.StatusOK || cancelled.Status != process.Cancelled {
		t.Fatalf("cancel: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "cancel twice", a.do("POST", base+"ts2/cancel", pga, map[string]string{"reason": "again"}), http.StatusConflict)
	// Its window is cancelled with it: the intake refuses it for good.
	res = a.do("POST", base+"ts2/contributions", state, map[string]string{"title": "To a cancelled session", "body": "Text."},
		"Idempotency-Key", "to-ts2")
	if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "cancelled") {
		t.Errorf("a contribution to a cancelled stage's window: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "cancel no stage", a.do("POST", base+"ts9/cancel", pga, nil), http.StatusNotFound)
	wantProblem(t, "cancel with a bad body", a.do("POST", base+"ts1/cancel", pga, map[string]any{"why": 1}), http.StatusBadRequest)

	// Move a window that has not opened.
	closes := process.Date{Time: newStart.Add(-12 * time.Hour)}
	res = a.do("POST", base+"ts1/window", pga, map[string]any{"closes": closes, "reason": "more time"})
	var mv wire.WindowMove
	res.JSON(t, &mv)
	if res.Status != http.StatusOK || !mv.Closes.Equal(closes.Time) {
		t.Fatalf("move deadline: %d %s", res.Status, res.Body)
	}
	if ts1 := timelineStage(t, a, id, "ts1"); !ts1.Spec.Window.Closes.Equal(closes.Time) {
		t.Fatalf("timeline after the deadline moved: %+v", ts1.Spec.Window)
	}
	for _, tc := range []struct {
		name  string
		stage string
		body  any
		want  int
	}{
		{"close one not open", "ts1", map[string]any{"close": true}, http.StatusConflict},
		{"both", "ts1", map[string]any{"close": true, "closes": closes}, http.StatusBadRequest},
		{"neither", "ts1", map[string]any{"reason": "?"}, http.StatusBadRequest},
		{"into the past", "ts1", map[string]any{"closes": time.Now().Add(-time.Hour).Format(time.RFC3339)}, http.StatusUnprocessableEntity},
		{"no window", "zero", map[string]any{"closes": closes}, http.StatusConflict},
		{"cancelled", "ts2", map[string]any{"closes": closes}, http.StatusConflict},
		{"unknown stage", "ts9", map[string]any{"closes": closes}, http.StatusNotFound},
	} {
		wantProblem(t, "window: "+tc.name, a.do("POST", base+tc.stage+"/window", pga, tc.body), tc.want)
	}

	// Appoint a co-facilitator.
	res = a.do("POST", "/v1/processes/"+id+"/co-facilitators", pga, map[string]string{"state": "IRL"})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"coFacilitators":["IRL"]`) {
		t.Fatalf("appoint: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "appoint twice", a.do("POST", "/v1/processes/"+id+"/co-facilitators", pga, map[string]string{"state": "IRL"}), http.StatusConflict)
	wantProblem(t, "appoint no State", a.do("POST", "/v1/processes/"+id+"/co-facilitators", pga, map[string]string{"state": "XXX"}), http.StatusBadRequest)
	wantProblem(t, "appoint as a State", a.do("POST", "/v1/processes/"+id+"/co-facilitators", state, map[string]string{"state": "MEX"}), http.StatusForbidden)
	wantProblem(t, "appoint to no process", a.do("POST", "/v1/processes/no-such-process/co-facilitators", pga, map[string]string{"state": "MEX"}), http.StatusNotFound)

	want := []string{"stage.rescheduled ts1", "stage.added ts2", "stage.cancelled ts2", "deadline.moved ts1", "co-facilitator.appointed"}
	if got := changeEvents(t, a, id); !slices.Equal(got, want) {
		t.Fatalf("changes = %q, want %q", got, want)
	}
	res = a.do("GET", "/v1/processes/"+id+"/changes", "", nil)
	var changes []wire.ScheduleChange
	res.JSON(t, &changes)
	var data struct{ Reason, From, To string }
	if err := json.Unmarshal(changes[0].Data, &data); err != nil || data.Reason != "venue" || data.To != newStart.Format(time.DateOnly) {
		t.Fatalf("the reschedule's change: %s (%v)", changes[0].Data, err)
	}
}

// TestRunningStages changes stages whose own workflows run: a consultation's
// open window, an accreditation's, and a conference's outcome.
func TestRunningStages(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("running")
	tmpl := testTemplate(id, code, time.Now().Add(time.Second))
	// The conference opens with the rest, so that its outcome can be recorded.
	tmpl.Phases[2].Stages[0].Start = tmpl.Phases[0].Stages[0].Start
	launchProcess(t, a, pga, inlineProcess(tmpl))
	base := "/v1/processes/" + id + "/stages/"
	// Each workflow records its first event once it has published its window
	// to the intake and takes updates.
	pollStore(t, "the windows to open and the conference to run", func() bool {
		return recorded(id, "acc", "window.opened") && recorded(id, "ts1", "window.opened") &&
			recorded(id, "conference", "conference.opened")
	})

	res := a.do("GET", "/v1/processes/"+id, "", nil)
	var st wire.ProcessStatus
	res.JSON(t, &st)
	slices.Sort(st.Current)
	if !slices.Equal(st.Current, []string{"acc", "conference", "ts1"}) || st.Next == nil || st.Next.StageID != "zero" ||
		!slices.ContainsFunc(st.OpenWindows, func(w wire.OpenWindow) bool { return w.StageID == "ts1" && w.Code == "TS1" }) ||
		!slices.ContainsFunc(st.OpenWindows, func(w wire.OpenWindow) bool { return w.StageID == "acc" }) {
		t.Fatalf("status with stages running: %s", res.Body)
	}

	// Extend ts1's open window: its stage workflow moves it in the intake.
	closes := time.Now().Add(20 * 24 * time.Hour).UTC().Truncate(time.Second)
	res = a.do("POST", base+"ts1/window", pga, map[string]any{"closes": closes.Format(time.RFC3339), "reason": "late"})
	var mv wire.WindowMove
	res.JSON(t, &mv)
	if res.Status != http.StatusOK || !mv.Closes.Equal(closes) {
		t.Fatalf("extend an open window: %d %s", res.Status, res.Body)
	}
	if w, err := stack.store.GetWindow(context.Background(), id, "ts1"); err != nil || !w.ClosesAt.Equal(closes) {
		t.Fatalf("intake's window after the extension: %+v %v", w, err)
	}
	// An accreditation's open window moves too, with a reason for the public
	// list of changes (accreditation_steer_test.go).
	wantProblem(t, "move an accreditation's open window without a reason", a.do("POST", base+"acc/window", pga, map[string]any{"closes": closes}), http.StatusBadRequest)
	wantProblem(t, "reschedule a running stage", a.do("POST", base+"ts1/reschedule", pga, map[string]any{"start": closes}), http.StatusConflict)
	wantProblem(t, "cancel a running stage", a.do("POST", base+"ts1/cancel", pga, nil), http.StatusConflict)
	wantProblem(t, "shorten into the past", a.do("POST", base+"ts1/window", pga,
		map[string]any{"closes": time.Now().Add(-time.Minute).Format(time.RFC3339)}), http.StatusUnprocessableEntity)

	// Close it now: the workflow seals it.
	res = a.do("POST", base+"ts1/window", pga, map[string]any{"close": true, "reason": "enough"})
	if res.Status != http.StatusOK {
		t.Fatalf("close now: %d %s", res.Status, res.Body)
	}
	pollStore(t, "ts1's window to be sealed", func() bool {
		w, err := stack.store.GetWindow(context.Background(), id, "ts1")
		return err == nil && w.State == process.WindowSealed
	})
	wantProblem(t, "move a sealed window", a.do("POST", base+"ts1/window", pga, map[string]any{"closes": closes}), http.StatusConflict)

	// The conference's outcome.
	consensus := map[string]any{"method": "consensus", "adoptedBy": 152, "document": "A/CONF.231/3"}
	wantProblem(t, "outcome by no method", a.do("POST", base+"conference/outcome", pga, map[string]any{"method": "lottery"}), http.StatusBadRequest)
	wantProblem(t, "outcome of a session", a.do("POST", base+"ts1/outcome", pga, consensus), http.StatusConflict)
	wantProblem(t, "outcome of a vote to come", a.do("POST", base+"endorsement/outcome", pga, consensus), http.StatusConflict)
	wantProblem(t, "outcome as a State", a.do("POST", base+"conference/outcome", a.token(MemberState, "MAR", ""), consensus), http.StatusForbidden)
	wantProblem(t, "outcome with a bad field", a.do("POST", base+"conference/outcome", pga, map[string]any{"method": "consensus", "adopted": 1}), http.StatusBadRequest)
	res = a.do("POST", base+"conference/outcome", pga, consensus)
	var o process.Outcome
	res.JSON(t, &o)
	if res.Status != http.StatusOK || o.Method != "consensus" || o.Adopted != 152 {
		t.Fatalf("record outcome: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "outcome twice", a.do("POST", base+"conference/outcome", pga, consensus), http.StatusConflict)
	var conf wire.StageDetail
	a.do("GET", base+"conference", "", nil).JSON(t, &conf)
	if oc := conf.Outcome; oc == nil || !oc.Adopted || oc.Method != "consensus" || oc.AdoptedBy == nil || *oc.AdoptedBy != 152 ||
		oc.Document != "A/CONF.231/3" || oc.Yes != nil || oc.InFavour != nil {
		t.Fatalf("the conference's outcome as observers read it: %+v", conf.Outcome)
	}

	if got := changeEvents(t, a, id); !slices.Equal(got, []string{"window.moved ts1", "window.moved ts1"}) {
		t.Fatalf("changes = %q", got)
	}
}

// TestAVoteNamesItsStates: observers read a recorded vote from the stage,
// each State in the list of its vote; those not voting are named when every
// State that voted is, and only counted when the vote is given by counts
// with some States named.
func TestAVoteNamesItsStates(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	vote := func(req wire.RecordOutcomeRequest) wire.StageOutcome {
		t.Helper()
		id, code := uniqueID("votes")
		tmpl := testTemplate(id, code, time.Now().Add(time.Second))
		tmpl.Phases[2].Stages[0].Start = tmpl.Phases[0].Stages[0].Start
		launchProcess(t, a, pga, inlineProcess(tmpl))
		pollStore(t, "the conference to run", func() bool { return recorded(id, "conference", "conference.opened") })
		path := "/v1/processes/" + id + "/stages/conference"
		var before wire.StageDetail
		a.do("GET", path, "", nil).JSON(t, &before)
		if before.Outcome != nil {
			t.Fatalf("an outcome before the vote: %+v", before.Outcome)
		}
		if res := a.do("POST", path+"/outcome", pga, req); res.Status != http.StatusOK {
			t.Fatalf("record the vote: %d %s", res.Status, res.Body)
		}
		var d wire.StageDetail
		a.do("GET", path, "", nil).JSON(t, &d)
		if d.Outcome == nil {
			t.Fatal("no outcome after the vote")
		}
		return *d.Outcome
	}
	states := process.MemberStates()
	byState := map[string]string{}
	for i, st := range states[:169] { // 5 against, 12 abstaining, 152 in favour, 24 not voting
		switch {
		case i < 5:
			byState[st.Code] = "no"
		case i < 17:
			byState[st.Code] = "abstain"
		default:
			byState[st.Code] = "yes"
		}
	}
	codes := func(from, to int) []string {
		var out []string
		for _, st := range states[from:to] {
			out = append(out, st.Code)
		}
		return out
	}
	n := func(p *int) int {
		if p == nil {
			return -1
		}
		return *p
	}
	named := vote(wire.RecordOutcomeRequest{Method: "recorded-vote", Votes: byState, Document: "A/RES/99/1"})
	if !named.Adopted || n(named.Yes) != 152 || n(named.No) != 5 || n(named.Abstain) != 12 || n(named.Absent) != 24 ||
		!slices.Equal(named.Against, codes(0, 5)) || !slices.Equal(named.Abstaining, codes(5, 17)) ||
		!slices.Equal(named.InFavour, codes(17, 169)) || !slices.Equal(named.NotVoting, codes(169, 193)) {
		t.Errorf("a vote naming every State that voted: %+v", named)
	}

	absent := 24
	counted := vote(wire.RecordOutcomeRequest{Method: "recorded-vote", Votes: map[string]string{"HUN": "no", "AUS": "abstain"},
		Counts: &process.VoteCounts{Yes: 152, No: 5, Abstain: 12, Absent: &absent}})
	if n(counted.Yes) != 152 || n(counted.No) != 5 || n(counted.Abstain) != 12 || n(counted.Absent) != 24 ||
		!slices.Equal(counted.Against, []string{"HUN"}) || !slices.Equal(counted.Abstaining, []string{"AUS"}) ||
		counted.InFavour != nil || counted.NotVoting != nil {
		t.Errorf("a vote by counts naming two States: %+v", counted)
	}
}

// TestOpenAWindowNow opens a scheduled window before its time, as the PGA's
// office would: the intake takes a contribution at once, the stage runs,
// and opening moves that make no sense are refused.
func TestOpenAWindowNow(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	state := a.token(MemberState, "MEX", "")
	id, code := uniqueID("opennow")
	start := time.Now().Add(5 * 24 * time.Hour)
	launchProcess(t, a, pga, inlineProcess(testTemplate(id, code, start)))
	base := "/v1/processes/" + id + "/stages/"
	ts1 := timelineStage(t, a, id, "ts1")
	later := ts1.Spec.Window.Opens.Add(24 * time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		name  string
		stage string
		body  any
		want  int
	}{
		{"open and opens", "ts1", map[string]any{"open": true, "opens": later}, http.StatusBadRequest},
		{"open and close", "ts1", map[string]any{"open": true, "close": true}, http.StatusBadRequest},
		{"opens in the past", "ts1", map[string]any{"opens": time.Now().Add(-time.Hour).Format(time.RFC3339)}, http.StatusUnprocessableEntity},
		{"opens after it closes", "ts1", map[string]any{"opens": ts1.Spec.Window.Closes.Add(time.Hour).Format(time.RFC3339)}, http.StatusUnprocessableEntity},
		{"opens after its stage starts", "acc", map[string]any{"opens": later}, http.StatusUnprocessableEntity},
		{"no window", "zero", map[string]any{"open": true}, http.StatusConflict},
		{"unknown stage", "ts9", map[string]any{"open": true}, http.StatusNotFound},
	} {
		wantProblem(t, "window: "+tc.name, a.do("POST", base+tc.stage+"/window", pga, tc.body), tc.want)
	}
	if got := changeEvents(t, a, id); len(got) != 0 {
		t.Fatalf("refused moves changed the schedule: %q", got)
	}

	res := a.do("POST", base+"ts1/window", pga, map[string]any{"open": true, "reason": "ready early"})
	var mv wire.WindowMove
	res.JSON(t, &mv)
	if res.Status != http.StatusOK || !mv.Opens.Before(time.Now()) || !mv.Closes.Equal(ts1.Spec.Window.Closes.Time) {
		t.Fatalf("open now: %d %s", res.Status, res.Body)
	}
	res = a.do("POST", contributionsPath(id, "ts1"), state, map[string]string{"title": "Mexico", "body": "Early."}, "Idempotency-Key", newKey())
	if res.Status != http.StatusCreated {
		t.Fatalf("a contribution once open: %d %s", res.Status, res.Body)
	}
	pollStore(t, "ts1 to start and open its window", func() bool { return recorded(id, "ts1", "window.opened") })
	if sg := timelineStage(t, a, id, "ts1"); sg.Status != process.Running || !sg.Moved {
		t.Fatalf("ts1 after opening now: %+v", sg)
	}
	if w, err := stack.store.GetWindow(context.Background(), id, "ts1"); err != nil || w.State != process.WindowOpen {
		t.Fatalf("intake's window after opening now: %+v %v", w, err)
	}
	wantProblem(t, "open a running stage's window", a.do("POST", base+"ts1/window", pga, map[string]any{"open": true}), http.StatusConflict)
	if got := changeEvents(t, a, id); !slices.Equal(got, []string{"opening.moved ts1"}) {
		t.Fatalf("changes = %q", got)
	}
}
