package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/compact-un/compact/process"
)

// testWall is process time pt on the test clock's wall (a test process starts
// at testOrigin, at scale 1).
func testWall(start, pt time.Time) time.Time { return start.Add(pt.Sub(testOrigin)).UTC() }

// TestTheStoreFollowsTheSchedule checks that the intake's windows are the
// schedule as the PGA's office changes it: moved with a reschedule or a
// deadline, added with a stage, cancelled with one.
func TestTheStoreFollowsTheSchedule(t *testing.T) {
	h := newHarness(t)
	id := ProcessWorkflowID("test")
	ctx := context.Background()
	var start time.Time
	var windows map[string]process.ContributionWindow
	var early, cancelled, moved error
	var changes []*updateOutcome
	h.at(day("2030-01-01"), func() { start = h.env.Now() })
	h.at(day("2030-01-02"), func() {
		changes = append(changes,
			h.update(id, UpdateReschedule, RescheduleRequest{StageID: "ts1", Start: date("2030-03-08"), End: date("2030-03-09")}),
			h.update(id, UpdateAddStage, AddStageRequest{Phase: "consultations", Stage: process.StageSpec{
				ID: "hearing", Kind: process.Hearing, Code: "MSH", Title: "Hearing", Place: "New York",
				Start: date("2030-03-20"), Window: &process.Window{Opens: date("2030-02-15"), Closes: date("2030-03-15")}}}),
			h.update(id, UpdateAddStage, AddStageRequest{Phase: "consultations", Stage: process.StageSpec{
				ID: "dropped", Kind: process.Hearing, Code: "DRP", Title: "Dropped hearing", Place: "New York",
				Start: date("2030-03-25"), Window: &process.Window{Opens: date("2030-02-10"), Closes: date("2030-03-10")}}}))
	})
	h.at(day("2030-01-03"), func() {
		changes = append(changes,
			h.update(id, UpdateCancelStage, CancelStageRequest{StageID: "dropped", Reason: "merged"}),
			h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "hearing", Closes: date("2030-03-18")}))
	})
	h.at(day("2030-01-04"), func() {
		windows = map[string]process.ContributionWindow{}
		for _, s := range []string{"acc", "ts1", "hearing", "dropped"} {
			w, err := h.store.GetWindow(ctx, "test", s)
			require.NoError(t, err, s)
			windows[s] = w
		}
	})
	// ts1's window opened on 1 February before the reschedule: now the 8th.
	h.at(day("2030-02-05"), func() { _, early = h.submit("ts1", "MEX", "member-state", "early") })
	h.at(day("2030-02-20"), func() {
		_, cancelled = h.submit("dropped", "MEX", "member-state", "to-dropped")
		_, moved = h.submit("hearing", "MEX", "member-state", "to-hearing")
	})
	h.run(id, Process, simulatedInput(testTemplate()))
	require.NoError(t, h.env.GetWorkflowError())
	for _, c := range changes {
		require.Nil(t, c.rejected)
		require.NoError(t, c.err)
	}

	want := map[string]struct {
		state         process.WindowState
		opens, closes string
	}{
		"acc":     {process.WindowScheduled, "2030-01-10", "2030-01-31"},
		"ts1":     {process.WindowScheduled, "2030-02-08", "2030-03-08"},
		"hearing": {process.WindowScheduled, "2030-02-15", "2030-03-18"},
		"dropped": {process.WindowCancelled, "2030-02-10", "2030-03-10"},
	}
	for s, w := range want {
		got := windows[s]
		require.Equal(t, w.state, got.State, s)
		require.Equal(t, testWall(start, day(w.opens)), got.OpensAt, s)
		require.Equal(t, testWall(start, day(w.closes)), got.ClosesAt, s)
	}
	requireKind(t, process.Conflict, early)
	require.ErrorContains(t, early, "not open")
	requireKind(t, process.Conflict, cancelled)
	require.ErrorContains(t, cancelled, "cancelled")
	require.NoError(t, moved)
}

// TestAScheduledWindowMovesBeforeItOpens checks that a stage moving its
// deadline before its window opens moves the store's schedule with it, and
// that once past its deadline by the schedule it cannot be reopened.
// (Alone, the stage's workflow starts when its window opens; under a
// Process it may start late.)
func TestAScheduledWindowMovesBeforeItOpens(t *testing.T) {
	h := newHarness(t)
	h.registered()
	ctx := context.Background()
	in := h.stageInput("ts1")
	in.Scheduled = true
	start := in.Clock.Start
	require.NoError(t, h.store.PutWindow(ctx, process.ContributionWindow{
		ProcessID: "test", StageID: "ts1", Code: "TS1", State: process.WindowScheduled,
		OpensAt: testWall(start, day("2030-02-01")), ClosesAt: testWall(start, day("2030-03-01")), Public: true,
	}))
	id := StageWorkflowID("test", "ts1")
	var extend, closeNow *updateOutcome
	var row process.ContributionWindow
	h.at(day("2030-01-15"), func() {
		closeNow = h.update(id, UpdateSetDeadline, SetDeadlineRequest{})
		extend = h.update(id, UpdateSetDeadline, SetDeadlineRequest{Closes: day("2030-03-05")})
	})
	h.at(day("2030-01-16"), func() {
		var err error
		row, err = h.store.GetWindow(ctx, "test", "ts1")
		require.NoError(t, err)
	})
	h.run(id, Consultation, in)
	require.NoError(t, h.env.GetWorkflowError())

	requireKind(t, process.Conflict, closeNow.rejected)
	require.NoError(t, extend.err)
	require.Equal(t, process.WindowScheduled, row.State)
	require.Equal(t, testWall(start, day("2030-03-05")), row.ClosesAt)
	// Past its deadline by the schedule it refused contributions as late,
	// opened by its workflow or not: it stays closed.
	w := window{opens: day("2030-02-01"), closes: day("2030-03-01"), scheduled: true}
	requireKind(t, process.Conflict, validateSetDeadline(day("2030-03-02"), time.UTC, &w, SetDeadlineRequest{Closes: day("2030-03-10")}))
	for _, e := range h.record("test") {
		if e.Event == "window.closed" {
			require.Equal(t, day("2030-03-05"), e.At)
		}
	}
}

// TestWindowUpdate routes a window's move to the workflow that takes it:
// the Process before a stage runs and for a running accreditation window,
// the running stage's own workflow for a consultation's or a draft's, and
// none for a stage that has ended or whose workflow keeps no window.
func TestWindowUpdate(t *testing.T) {
	stage := func(kind process.StageKind, status process.StageStatus) process.Stage {
		return process.Stage{ProcessID: "p", Status: status, Spec: process.StageSpec{ID: "s", Kind: kind}}
	}
	for _, tc := range []struct {
		stage            process.Stage
		workflow, update string
	}{
		{stage(process.ThematicSession, process.Scheduled), "process/p", UpdateMoveDeadline},
		{stage(process.AccreditationWindow, process.Running), "process/p", UpdateMoveDeadline},
		{stage(process.ThematicSession, process.Running), "process/p/stage/s", UpdateSetDeadline},
		{stage(process.NegotiationRound, process.Running), "process/p/stage/s", UpdateSetDeadline},
		{stage(process.Draft, process.Running), "process/p/stage/s", UpdateSetDeadline},
		{stage(process.Conference, process.Running), "", ""},
		{stage(process.ThematicSession, process.Completed), "", ""},
		{stage(process.Draft, process.Cancelled), "", ""},
	} {
		workflow, update := WindowUpdate(tc.stage)
		require.Equal(t, [2]string{tc.workflow, tc.update}, [2]string{workflow, update}, "%s %s", tc.stage.Status, tc.stage.Spec.Kind)
	}
}
