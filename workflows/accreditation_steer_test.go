package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/compact-un/compact/process"
)

// TestTheOfficeOpensAndClosesAnAccreditationWindowEarly checks that the
// office opens a running accreditation stage's window before its date and
// closes it before its deadline: the intake follows at once, the stage's
// workflow opens, closes and circulates then, and each change is on the
// schedule's list with who and why; changes that make no sense are refused
// and change nothing.
func TestTheOfficeOpensAndClosesAnAccreditationWindowEarly(t *testing.T) {
	h := newHarness(t)
	id := ProcessWorkflowID("test")
	ctx := context.Background()
	tmpl := testTemplate()
	tmpl.Phases[0].Stages[1].Window = &process.Window{Opens: date("2030-01-20"), Closes: date("2030-01-31")}
	opened, closed := day("2030-01-12").Add(time.Hour), day("2030-01-16")
	var start time.Time
	refused := map[string]*updateOutcome{}
	var open, closing *updateOutcome
	var openRow, closedRow process.ContributionWindow
	var applyErr error
	var status ProcessStatus
	h.at(day("2030-01-01"), func() { start = h.env.Now() })
	h.at(day("2030-01-12"), func() {
		for name, req := range map[string]MoveDeadlineRequest{
			"close-before-open": {StageID: "acc", Close: true, Reason: "r"},
			"no-reason":         {StageID: "acc", Open: true},
			"past-opening":      {StageID: "acc", Opens: date("2030-01-11"), Reason: "r"},
			"open-and-close":    {StageID: "acc", Open: true, Close: true, Reason: "r"},
		} {
			refused[name] = h.update(id, UpdateMoveDeadline, req)
		}
	})
	h.at(opened, func() {
		open = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "acc", Open: true, Reason: "The list is ready early", By: "PGA"})
	})
	h.at(day("2030-01-13"), func() {
		var err error
		openRow, err = h.store.GetWindow(ctx, "test", "acc")
		require.NoError(t, err)
		_, applyErr = h.store.Apply(ctx, process.Application{ProcessID: "test", Party: "ngo-early", Name: "Early Forum",
			Category: "civil-society", AppliedAt: h.env.Now()}, nil)
		refused["open-again"] = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "acc", Open: true, Reason: "r"})
		refused["past-deadline"] = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "acc", Closes: date("2030-01-12"), Reason: "r"})
	})
	h.at(closed, func() {
		closing = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "acc", Close: true, Reason: "Enough applications", By: "PGA"})
	})
	h.at(day("2030-01-17"), func() {
		var err error
		closedRow, err = h.store.GetWindow(ctx, "test", "acc")
		require.NoError(t, err)
		refused["close-again"] = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "acc", Close: true, Reason: "r"})
		v, err := h.env.QueryWorkflow(QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&status))
	})
	h.run(id, Process, ProcessInput{ProcessID: "test", Template: tmpl, Clock: testClock(), Simulation: &Simulation{}})
	require.NoError(t, h.env.GetWorkflowError())

	kinds := map[string]process.Kind{
		"close-before-open": process.Conflict, "no-reason": process.Invalid, "past-opening": process.Rule,
		"open-and-close": process.Invalid, "open-again": process.Conflict, "past-deadline": process.Rule,
		"close-again": process.Conflict,
	}
	for name, kind := range kinds {
		require.True(t, refused[name].done, name)
		requireKind(t, kind, refused[name].rejected)
	}
	require.Nil(t, open.rejected)
	require.NoError(t, open.err)
	require.NoError(t, closing.err)
	require.True(t, openRow.TakesAt(testWall(start, day("2030-01-13"))), "the intake takes applications once opened early: %+v", openRow)
	require.Equal(t, testWall(start, opened), openRow.OpensAt)
	require.NoError(t, applyErr)
	require.Equal(t, process.WindowSealed, closedRow.State)
	require.Equal(t, testWall(start, closed), closedRow.ClosesAt)

	require.Equal(t, []ScheduleChange{
		{At: opened, Kind: "opening.moved", StageID: "acc", Reason: "The list is ready early", By: "PGA",
			From: "2030-01-20T00:00:00Z", To: "2030-01-12T01:00:00Z"},
		{At: closed, Kind: "deadline.moved", StageID: "acc", Reason: "Enough applications", By: "PGA",
			From: "2030-01-31T00:00:00Z", To: "2030-01-16T00:00:00Z"},
	}, status.Changes, "refused changes are not recorded")
	var events []string
	for _, e := range h.record("test") {
		if e.StageID == "acc" && (e.At.Equal(opened) || e.At.Equal(closed)) {
			events = append(events, e.At.Format(time.RFC3339)+" "+e.Event)
		}
	}
	require.Equal(t, []string{
		"2030-01-12T01:00:00Z opening.moved", "2030-01-12T01:00:00Z window.opened",
		"2030-01-16T00:00:00Z deadline.moved", "2030-01-16T00:00:00Z window.closed", "2030-01-16T00:00:00Z list.circulated",
	}, events)
	a, err := h.store.GetApplication(ctx, "test", "", "ngo-early")
	require.NoError(t, err)
	require.Equal(t, process.Approved, a.State, "circulated at the early close, not objected to")
}

// TestSimulatedECOSOCChecksAreRecordedInProcessTime: the simulated
// organisations in ECOSOC status are recorded as checked, at the window's
// opening in process time (not the wall time the store files them at),
// marked simulated, before the list that leaves them out.
func TestSimulatedECOSOCChecksAreRecordedInProcessTime(t *testing.T) {
	h := newHarness(t)
	h.registered()
	in := h.stageInput("acc")
	in.Clock.Start = h.env.Now().Add(-3 * 24 * time.Hour) // the wall runs three days behind process time
	in.Simulation = &Simulation{Stakeholders: 10}
	h.run(StageWorkflowID("test", "acc"), Accreditation, in)
	require.NoError(t, h.env.GetWorkflowError())

	var checked []string
	for _, e := range h.record("test") {
		switch e.Event {
		case "ecosoc.checked":
			require.Equal(t, "acc", e.StageID)
			require.Equal(t, day("2030-01-10"), e.At, "the window's opening, process time")
			require.Contains(t, e.Data, `"result":"exact"`)
			require.Contains(t, e.Data, `"simulated":true`)
			checked = append(checked, e.Key)
		case "list.circulated":
			require.NotContains(t, e.Data, "org-0005", "verified, not circulated")
		}
	}
	require.Equal(t, []string{"ecosoc.checked/org-0005", "ecosoc.checked/org-0010"}, checked)
}
