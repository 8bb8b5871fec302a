package workflows

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/compact-un/compact/process"
)

// TestTheOfficeSteersStagesThatHaveBegun checks what the office does in a
// real process's last month: it postpones a session whose window is open
// (what was received stays, the deadline follows), extends it once begun,
// moves its venue, ends a round early and moves the next revision (the
// amendments follow); and what it cannot do is refused and changes nothing.
func TestTheOfficeSteersStagesThatHaveBegun(t *testing.T) {
	h := newHarness(t)
	id := ProcessWorkflowID("test")
	ctx := context.Background()
	var start time.Time
	refused := map[string]*updateOutcome{}
	var changes []*updateOutcome
	var before, after error
	var ts1 process.ContributionWindow
	var status ProcessStatus
	h.at(day("2030-01-01"), func() { start = h.env.Now() })
	h.at(day("2030-02-10"), func() {
		_, before = h.submit("ts1", "MEX", "member-state", "before")
		for name, u := range map[string]struct {
			name string
			req  any
		}{
			"finished":      {UpdateMoveStage, MoveStageRequest{StageID: "modalities", Start: date("2030-03-01"), Reason: "r"}},
			"into-the-past": {UpdateMoveStage, MoveStageRequest{StageID: "ts1", Start: date("2030-02-01"), Reason: "r"}},
			"no-reason":     {UpdateMoveStage, MoveStageRequest{StageID: "ts1", Start: date("2030-03-15")}},
			"accreditation": {UpdateMoveStage, MoveStageRequest{StageID: "acc", Start: date("2030-03-15"), Reason: "r"}},
			"unknown":       {UpdateMoveStage, MoveStageRequest{StageID: "ts9", Start: date("2030-03-15"), Reason: "r"}},
			"end-not-begun": {UpdateExtendStage, ExtendStageRequest{StageID: "ts1", EndNow: true, Reason: "r"}},
			"no-days":       {UpdateExtendStage, ExtendStageRequest{StageID: "ts1", Reason: "r"}},
			"unknown-zone":  {UpdateSetVenue, SetVenueRequest{StageID: "ts1", Place: "Geneva", TimeZone: "Europe/Geneva", Reason: "r"}},
			"cancel-silent": {UpdateCancelStage, CancelStageRequest{StageID: "conference"}},
			"appoint-chief": {UpdateAppoint, AppointRequest{State: "CHE", Person: "Jürg Lauber", Role: "chief"}},
		} {
			refused[name] = h.update(id, u.name, u.req)
		}
	})
	h.at(day("2030-02-10").Add(time.Hour), func() {
		changes = append(changes,
			h.update(id, UpdateMoveStage, MoveStageRequest{StageID: "ts1", Start: date("2030-03-15"), Reason: "Postponed at the request of the regional groups", By: "PGA"}),
			h.update(id, UpdateAppoint, AppointRequest{State: "CHE", Person: "Jürg Lauber", Date: date("2030-01-02"), Reason: "PGA letter", By: "PGA"}))
	})
	h.at(day("2030-03-05"), func() {
		_, after = h.submit("ts1", "CHE", "member-state", "after")
		var err error
		ts1, err = h.store.GetWindow(ctx, "test", "ts1")
		require.NoError(t, err)
	})
	h.at(day("2030-03-15").Add(12*time.Hour), func() {
		refused["began"] = h.update(id, UpdateMoveStage, MoveStageRequest{StageID: "ts1", Start: date("2030-03-20"), Reason: "r"})
		changes = append(changes,
			h.update(id, UpdateExtendStage, ExtendStageRequest{StageID: "ts1", Days: 1, Reason: "One more day of panels"}),
			h.update(id, UpdateSetVenue, SetVenueRequest{StageID: "ts1", Place: "Vienna", TimeZone: "Europe/Vienna", Reason: "Moved to Vienna"}))
	})
	h.at(day("2030-04-11").Add(15*time.Hour), func() {
		changes = append(changes, h.update(id, UpdateExtendStage, ExtendStageRequest{StageID: "round1", EndNow: true, Reason: "Agreed early"}))
	})
	h.at(day("2030-04-20"), func() {
		changes = append(changes, h.update(id, UpdateMoveStage, MoveStageRequest{StageID: "rev1", Start: date("2030-05-06"), Reason: "More time for amendments"}))
	})
	h.at(day("2030-04-21"), func() {
		v, err := h.env.QueryWorkflow(QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&status))
	})
	tpl := testTemplate()
	mex := process.Appointment{Person: "Juan José Gómez Camacho", State: "MEX", Role: "co-facilitator", Date: date("2029-12-01")}
	tpl.Appointments = []process.Appointment{mex}
	h.run(id, Process, simulatedInput(tpl))
	require.NoError(t, h.env.GetWorkflowError())

	kinds := map[string]process.Kind{
		"finished": process.Conflict, "into-the-past": process.Rule, "no-reason": process.Invalid,
		"accreditation": process.Conflict, "unknown": process.NotFound, "end-not-begun": process.Conflict,
		"no-days": process.Invalid, "unknown-zone": process.Invalid, "cancel-silent": process.Invalid,
		"appoint-chief": process.Invalid, "began": process.Rule,
	}
	for name, kind := range kinds {
		require.True(t, refused[name].done, name)
		requireKind(t, kind, refused[name].rejected)
	}
	for _, c := range changes {
		require.True(t, c.done)
		require.Nil(t, c.rejected)
		require.NoError(t, c.err)
	}

	// The window stayed open through its old deadline and took more.
	require.NoError(t, before)
	require.NoError(t, after)
	require.Equal(t, testWall(start, day("2030-02-01")), ts1.OpensAt)
	require.Equal(t, testWall(start, day("2030-03-15")), ts1.ClosesAt)

	at := map[string]time.Time{}
	for _, e := range h.record("test") {
		at[e.StageID+" "+e.Event] = e.At
	}
	require.Equal(t, day("2030-03-15"), at["ts1 window.closed"])
	require.Equal(t, day("2030-03-15"), at["ts1 session.opened"])
	require.Equal(t, day("2030-03-18"), at["ts1 session.held"], "extended by a day from the 16th")
	require.Equal(t, day("2030-04-11").Add(15*time.Hour), at["round1 session.held"])
	require.Equal(t, day("2030-05-06"), at["zero window.closed"], "the zero draft's amendments close when revision 1 is due")
	require.Contains(t, at, "ts1 venue.changed")

	closed := h.entry("ts1", "window.closed")
	require.Contains(t, closed.Data, `"count":12`, "the ten simulated, one before and one after the old deadline")

	sg := status.Stages[slices.IndexFunc(status.Stages, func(s StageState) bool { return s.Spec.ID == "ts1" })]
	require.Equal(t, "Vienna", sg.Spec.Place)
	require.Equal(t, "Europe/Vienna", sg.Spec.TimeZone)
	require.Equal(t, []process.Appointment{mex, {Person: "Jürg Lauber", State: "CHE", Role: "co-facilitator", Date: date("2030-01-02")}}, status.Appointments)
	require.Equal(t, []string{"MEX", "CHE"}, status.CoFacilitators)
	requireSubsequence(t, h.events("test"), []string{" process.created", " co-facilitator.appointed", "acc stage.started", " co-facilitator.appointed"})
	require.Equal(t, "PGA", status.Changes[0].By)
	require.Equal(t, "Postponed at the request of the regional groups", status.Changes[0].Reason)
	require.Equal(t, "2030-03-01", status.Changes[0].From)
	require.Equal(t, "2030-03-15", status.Changes[0].To)
}

// entry is a stage's first record entry of an event.
func (h *harness) entry(stageID, event string) process.RecordEntry {
	h.t.Helper()
	for _, e := range h.record("test") {
		if e.StageID == stageID && e.Event == event {
			return e
		}
	}
	h.t.Fatalf("no %s %s in the record", stageID, event)
	return process.RecordEntry{}
}
