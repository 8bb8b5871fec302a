package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/compact-un/compact/process"
)

// TestTheOfficeOpensAWindowNow checks that opening a scheduled window now
// starts its stage at once and the intake takes contributions, and that
// moves of the opening that make no sense are refused and change nothing.
func TestTheOfficeOpensAWindowNow(t *testing.T) {
	h := newHarness(t)
	id := ProcessWorkflowID("test")
	ctx := context.Background()
	var start time.Time
	refused := map[string]*updateOutcome{}
	var open, again *updateOutcome
	var row process.ContributionWindow
	var status ProcessStatus
	var receiptErr error
	h.at(day("2030-01-01"), func() { start = h.env.Now() })
	h.at(day("2030-01-15"), func() {
		for name, req := range map[string]MoveDeadlineRequest{
			"nothing":         {StageID: "ts1"},
			"both":            {StageID: "ts1", Open: true, Opens: date("2030-02-10")},
			"past":            {StageID: "ts1", Opens: date("2030-01-10")},
			"after-closes":    {StageID: "ts1", Opens: date("2030-02-20"), Closes: date("2030-02-10")},
			"after-start":     {StageID: "ts1", Opens: date("2030-03-02"), Closes: date("2030-03-10")},
			"no-window":       {StageID: "zero", Open: true},
			"running":         {StageID: "acc", Open: true},
			"completed":       {StageID: "modalities", Open: true},
			"unknown":         {StageID: "ts9", Open: true},
			"deadline-passed": {StageID: "ts1", Open: true, Closes: date("2030-01-14")},
		} {
			refused[name] = h.update(id, UpdateMoveDeadline, req)
		}
	})
	h.at(day("2030-01-15").Add(time.Hour), func() {
		open = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "ts1", Open: true, Reason: "early start"})
	})
	h.at(day("2030-01-15").Add(2*time.Hour), func() {
		var err error
		row, err = h.store.GetWindow(ctx, "test", "ts1")
		require.NoError(t, err)
		_, receiptErr = h.submit("ts1", "MEX", "member-state", "early")
		v, err := h.env.QueryWorkflow(QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&status))
		again = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "ts1", Open: true})
	})
	h.run(id, Process, simulatedInput(testTemplate()))
	require.NoError(t, h.env.GetWorkflowError())

	kinds := map[string]process.Kind{
		"nothing": process.Invalid, "both": process.Invalid, "past": process.Rule, "after-closes": process.Rule,
		"after-start": process.Rule, "no-window": process.Conflict, "running": process.Conflict,
		"completed": process.Conflict, "unknown": process.NotFound, "deadline-passed": process.Rule,
	}
	for name, kind := range kinds {
		require.True(t, refused[name].done, name)
		requireKind(t, kind, refused[name].rejected)
	}

	require.Nil(t, open.rejected)
	require.NoError(t, open.err)
	opened := day("2030-01-15").Add(time.Hour)
	require.Equal(t, process.WindowOpen, row.State)
	require.Equal(t, testWall(start, opened), row.OpensAt)
	require.Equal(t, testWall(start, day("2030-03-01")), row.ClosesAt)
	require.NoError(t, receiptErr)
	require.Contains(t, status.Current, "ts1")
	requireKind(t, process.Conflict, again.rejected)

	// One change, then the stage starts and its window opens: at once.
	var events []string
	for _, e := range h.record("test") {
		if e.StageID == "ts1" && e.At.Equal(opened) {
			events = append(events, e.Event)
		}
	}
	require.Equal(t, []string{"opening.moved", "stage.started", "stage.announced", "window.opened"}, events)
	// The refused moves changed nothing: the open is the only change.
	require.Equal(t, []ScheduleChange{{At: opened, Kind: "opening.moved", StageID: "ts1", Reason: "early start",
		From: "2030-02-01T00:00:00Z", To: "2030-01-15T01:00:00Z"}}, status.Changes)
}

// TestTheOfficeMovesAWindowsOpening checks that a later opening moves the
// stage's start with it and the store's schedule follows.
func TestTheOfficeMovesAWindowsOpening(t *testing.T) {
	h := newHarness(t)
	id := ProcessWorkflowID("test")
	var start time.Time
	var move *updateOutcome
	var early error
	h.at(day("2030-01-01"), func() { start = h.env.Now() })
	h.at(day("2030-01-20"), func() {
		move = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "ts1", Opens: date("2030-02-10"), Closes: date("2030-03-05")})
	})
	h.at(day("2030-02-05"), func() { _, early = h.submit("ts1", "MEX", "member-state", "early") })
	h.run(id, Process, simulatedInput(testTemplate()))
	require.NoError(t, h.env.GetWorkflowError())

	require.Nil(t, move.rejected)
	require.NoError(t, move.err)
	requireKind(t, process.Conflict, early)
	w, err := h.store.GetWindow(context.Background(), "test", "ts1")
	require.NoError(t, err)
	require.Equal(t, testWall(start, day("2030-02-10")), w.OpensAt)
	require.Equal(t, testWall(start, day("2030-03-05")), w.ClosesAt)
	var moves []string
	for _, e := range h.record("test") {
		if e.StageID == "ts1" && (e.Event == "opening.moved" || e.Event == "deadline.moved" || e.Event == "stage.started") {
			moves = append(moves, e.Event+" "+e.At.Format(time.DateOnly))
		}
	}
	require.Equal(t, []string{"opening.moved 2030-01-20", "deadline.moved 2030-01-20", "stage.started 2030-02-10"}, moves)
}
