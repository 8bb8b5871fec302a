package workflows

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

func simulatedInput(t process.Template) ProcessInput {
	return ProcessInput{
		ProcessID: t.ID, Template: t, Clock: testClock(),
		Simulation: &Simulation{Stakeholders: 12, ObjectEvery: 4, ContributionsPerWindow: 10, AmendmentsPerRound: 5},
	}
}

func TestProcessRunsEveryStageInOrder(t *testing.T) {
	h := newHarness(t)
	h.run(ProcessWorkflowID("test"), Process, simulatedInput(testTemplate()))
	require.NoError(t, h.env.GetWorkflowError())
	var res ProcessResult
	require.NoError(t, h.env.GetWorkflowResult(&res))

	// The template gives no number not voting: none is made up.
	require.Equal(t, &process.Outcome{Method: "recorded-vote", Yes: 100, No: 2, Abstain: 10,
		NoVotes: []string{"HUN", "USA"}, Adopted: 100}, res.Outcome)
	require.Equal(t, 10, res.Stages["ts1"].Contributions)
	// Of 12 applicants, 2 in ECOSOC status register directly; of the 10
	// circulated, every 4th draws an objection.
	require.Equal(t, 8, res.Stages["acc"].Approved)
	require.Equal(t, 2, res.Stages["acc"].Rejected)
	require.Equal(t, 5, res.Stages["zero"].Amendments)
	require.Equal(t, 1, res.Stages["rev1"].Revision)

	entries := h.record("test")
	require.NoError(t, process.VerifyChain(entries))
	require.Equal(t, "process.created", entries[0].Event)
	require.Equal(t, "process.completed", entries[len(entries)-1].Event)
	for i := 1; i < len(entries); i++ {
		require.False(t, entries[i].At.Before(entries[i-1].At), "entry %d (%s %s at %s) is before entry %d (%s)",
			entries[i].Seq, entries[i].StageID, entries[i].Event, entries[i].At, entries[i-1].Seq, entries[i-1].At)
	}
	events := h.events("test")
	for _, want := range [][]string{
		{"modalities stage.started", "modalities milestone.reached", "modalities stage.completed"},
		{"acc window.opened", "acc list.circulated", "acc objection.recorded", "acc list.decided"},
		{"ts1 window.opened", "ts1 session.opened", "ts1 window.closed", "ts1 session.held", "ts1 summary.recorded"},
		// zero's amendments close as rev1 is published: either may come first.
		{"zero draft.published", "round1 session.opened", "zero window.closed", "zero amendments.closed"},
		{"round1 session.held", "rev1 draft.published"},
		{"conference conference.opened", "conference conference.adopted", "conference conference.closed",
			"endorsement endorsement.opened", "endorsement endorsement.adopted"},
	} {
		requireSubsequence(t, events, want)
	}

	byEvent := map[string]process.RecordEntry{}
	for _, e := range entries {
		byEvent[e.StageID+" "+e.Event] = e
	}
	require.Equal(t, day("2030-01-05"), byEvent["modalities milestone.reached"].At)
	require.Contains(t, byEvent["modalities milestone.reached"].Data, "A/RES/99/1")
	require.Equal(t, day("2030-03-01"), byEvent["ts1 window.closed"].At)
	require.Equal(t, day("2030-03-01"), byEvent["ts1 session.opened"].At)
	// Of the 5 amendments to the zero draft, the first (supported by as
	// many as oppose it) is not retained; the others edit 3 paragraphs and
	// add one, and the record traces each change to its amendment.
	published := byEvent["rev1 draft.published"].Data
	require.Contains(t, published, `"diff":{"added":4,"kept":24,"removed":3}`)
	require.Contains(t, published, `"sources":[{"amendments":["SIM-R0-002"],"change":"edited","id":"r0-9"},`+
		`{"amendments":["SIM-R0-003"],"change":"added","contributions":["TST-TS1-000002"],"id":"r1-15"},`)

	ctx := context.Background()
	stages, err := h.store.ListStages(ctx, "test")
	require.NoError(t, err)
	for _, s := range stages {
		require.Equal(t, process.Completed, s.Status, s.Spec.ID)
	}
	p, err := h.store.GetProcess(ctx, "test")
	require.NoError(t, err)
	require.Equal(t, "completed", p.Status)
	require.Equal(t, "adoption", p.Phase)
	contribs, err := h.store.ListContributions(ctx, store.ContributionFilter{ProcessID: "test", StageID: "ts1"})
	require.NoError(t, err)
	require.Len(t, contribs, 10)
	require.Regexp(t, `^TST-TS1-0000\d\d$`, contribs[0].Tracking)
}

// requireSubsequence checks that want occurs in got in order.
func requireSubsequence(t *testing.T, got, want []string) {
	t.Helper()
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	require.Equal(t, len(want), i, "missing %q in order within %v", want[min(i, len(want)-1)], got)
}

func TestRescheduleMovesTheTimer(t *testing.T) {
	h := newHarness(t)
	in := simulatedInput(testTemplate())
	id := ProcessWorkflowID("test")
	var early, past, unknown, moved *updateOutcome
	h.at(day("2030-01-02"), func() {
		moved = h.update(id, UpdateReschedule, RescheduleRequest{StageID: "modalities", Start: date("2030-01-08"), Reason: "room taken"})
		past = h.update(id, UpdateReschedule, RescheduleRequest{StageID: "ts1", Start: date("2029-12-01")})
		unknown = h.update(id, UpdateReschedule, RescheduleRequest{StageID: "nope", Start: date("2030-02-01")})
		early = h.update(id, UpdateReschedule, RescheduleRequest{StageID: "ts1", Start: date("2030-03-05"), End: date("2030-03-04")})
	})
	var status ProcessStatus
	h.at(day("2030-01-06"), func() {
		v, err := h.env.QueryWorkflow(QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&status))
	})
	h.run(id, Process, in)
	require.NoError(t, h.env.GetWorkflowError())

	require.NoError(t, moved.err)
	require.Nil(t, moved.rejected)
	requireKind(t, process.Rule, past.rejected)
	requireKind(t, process.NotFound, unknown.rejected)
	requireKind(t, process.Rule, early.rejected)

	// On the 6th the milestone, once due on the 5th, waits for the 8th.
	i := slices.IndexFunc(status.Stages, func(s StageState) bool { return s.Spec.ID == "modalities" })
	require.Equal(t, process.Scheduled, status.Stages[i].Status)
	require.True(t, status.Stages[i].Moved)
	require.Len(t, status.Changes, 1, "refused changes leave no trace")
	require.Equal(t, "2030-01-05", status.Changes[0].From)

	var reached process.RecordEntry
	var rescheduled int
	for _, e := range h.record("test") {
		switch e.StageID + " " + e.Event {
		case "modalities milestone.reached":
			reached = e
		case "modalities stage.rescheduled":
			rescheduled++
		case "ts1 stage.rescheduled", "nope stage.rescheduled":
			t.Fatalf("a refused reschedule was recorded: %+v", e)
		}
	}
	require.Equal(t, 1, rescheduled)
	require.Equal(t, day("2030-01-08"), reached.At)
}

func TestCancelAndAddStages(t *testing.T) {
	h := newHarness(t)
	id := ProcessWorkflowID("test")
	var cancel, add, addDup, addBad, cancelRunning *updateOutcome
	h.at(day("2030-01-02"), func() {
		cancel = h.update(id, UpdateCancelStage, CancelStageRequest{StageID: "round1", Reason: "merged"})
		add = h.update(id, UpdateAddStage, AddStageRequest{Phase: "consultations", Stage: process.StageSpec{
			ID: "hearing", Kind: process.Hearing, Code: "MSH", Title: "Hearing", Place: "New York",
			Start: date("2030-03-10"), Window: &process.Window{Opens: date("2030-03-01"), Closes: date("2030-03-09")}}})
		addDup = h.update(id, UpdateAddStage, AddStageRequest{Phase: "consultations", Stage: process.StageSpec{
			ID: "ts1", Kind: process.Milestone, Title: "Again", Start: date("2030-03-10")}})
		addBad = h.update(id, UpdateAddStage, AddStageRequest{Phase: "consultations", Stage: process.StageSpec{
			ID: "x", Kind: "party", Title: "Party", Start: date("2030-03-10")}})
	})
	h.at(day("2030-01-12"), func() {
		cancelRunning = h.update(id, UpdateCancelStage, CancelStageRequest{StageID: "acc"})
	})
	h.run(id, Process, simulatedInput(testTemplate()))
	require.NoError(t, h.env.GetWorkflowError())
	require.NoError(t, cancel.err)
	require.NoError(t, add.err)
	requireKind(t, process.Conflict, addDup.rejected)
	requireKind(t, process.Invalid, addBad.rejected)
	requireKind(t, process.Conflict, cancelRunning.rejected)

	var res ProcessResult
	require.NoError(t, h.env.GetWorkflowResult(&res))
	require.Nil(t, res.Stages["round1"], "a cancelled stage never runs")
	require.Equal(t, 10, res.Stages["hearing"].Contributions)
	events := h.events("test")
	require.Contains(t, events, "round1 stage.cancelled")
	require.NotContains(t, events, "round1 session.opened")
	requireSubsequence(t, events, []string{"hearing stage.added", "ts1 session.opened", "hearing session.opened"})
}

func TestMoveDeadlineBeforeTheWindowOpens(t *testing.T) {
	h := newHarness(t)
	id := ProcessWorkflowID("test")
	var moved, beforeOpen, running *updateOutcome
	h.at(day("2030-01-02"), func() {
		moved = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "ts1", Closes: date("2030-02-20")})
		beforeOpen = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "ts1", Closes: date("2030-01-20")})
	})
	h.at(day("2030-01-12"), func() {
		running = h.update(id, UpdateMoveDeadline, MoveDeadlineRequest{StageID: "acc", Closes: date("2030-02-20")})
	})
	h.run(id, Process, simulatedInput(testTemplate()))
	require.NoError(t, h.env.GetWorkflowError())
	require.NoError(t, moved.err)
	requireKind(t, process.Rule, beforeOpen.rejected)
	// A running accreditation window moves too, but only with a reason
	// (accreditation_steer_test.go).
	requireKind(t, process.Invalid, running.rejected)
	for _, e := range h.record("test") {
		if e.StageID == "ts1" && e.Event == "window.closed" {
			require.Equal(t, day("2030-02-20"), e.At)
			return
		}
	}
	t.Fatal("ts1's window never closed")
}

func requireKind(t *testing.T, want process.Kind, err error) {
	t.Helper()
	t.Logf("%v", err)
	require.Error(t, err)
	require.Equal(t, want, activities.KindOf(err), "error: %v", err)
}

func TestAppointCoFacilitators(t *testing.T) {
	h := newHarness(t)
	id := ProcessWorkflowID("test")
	var mex, che, again, bad *updateOutcome
	var status ProcessStatus
	h.at(day("2030-01-02"), func() {
		mex = h.update(id, UpdateAppoint, AppointRequest{State: "MEX"})
		che = h.update(id, UpdateAppoint, AppointRequest{State: "CHE"})
	})
	h.at(day("2030-01-03"), func() {
		again = h.update(id, UpdateAppoint, AppointRequest{State: "MEX"})
		bad = h.update(id, UpdateAppoint, AppointRequest{State: "Mexico"})
		v, err := h.env.QueryWorkflow(QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&status))
	})
	h.run(id, Process, simulatedInput(testTemplate()))
	require.NoError(t, h.env.GetWorkflowError())
	require.NoError(t, mex.err)
	require.NoError(t, che.err)
	requireKind(t, process.Conflict, again.rejected)
	requireKind(t, process.Invalid, bad.rejected)
	require.Equal(t, []string{"MEX", "CHE"}, status.CoFacilitators)
	requireSubsequence(t, h.events("test"), []string{" co-facilitator.appointed", " co-facilitator.appointed"})
}

func TestProcessContinuesAsNewBetweenStages(t *testing.T) {
	h := newHarness(t)
	id := ProcessWorkflowID("test")
	var canAt time.Time
	h.at(day("2030-01-02"), func() {
		h.env.SetContinueAsNewSuggested(true)
		h.update(id, UpdateReschedule, RescheduleRequest{StageID: "modalities", Start: date("2030-01-07")})
		canAt = h.env.Now()
	})
	h.run(id, Process, simulatedInput(testTemplate()))
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, h.env.GetWorkflowError(), &can)
	var next ProcessInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.NotNil(t, next.State)
	require.Len(t, next.State.Changes, 1)

	h2 := h.again()
	h2.env.SetStartTime(canAt)
	h2.run(id, Process, next)
	require.NoError(t, h2.env.GetWorkflowError())
	var res ProcessResult
	require.NoError(t, h2.env.GetWorkflowResult(&res))
	require.Equal(t, 100, res.Outcome.Yes)
	events := h.events("test")
	require.Equal(t, 1, countOf(events, " process.created"), "the next run does not register the process again")
	for _, e := range h.record("test") {
		if e.StageID == "modalities" && e.Event == "milestone.reached" {
			require.Equal(t, day("2030-01-07"), e.At)
		}
	}
}

// TestStagesTimeOutTheirTasksAsTheProcessDoes: a stage's workflow task
// times out after WorkflowTaskTimeout, not Temporal's 10 s, so that a task
// lost with a killed worker holds a deadline up as briefly as possible.
func TestStagesTimeOutTheirTasksAsTheProcessDoes(t *testing.T) {
	h := newHarness(t)
	tmpl := testTemplate()
	tmpl.Phases = tmpl.Phases[:1]
	tmpl.Phases[0].Stages = tmpl.Phases[0].Stages[:1] // the milestone
	var timeout time.Duration
	h.env.OnWorkflow(Milestone, mock.Anything, mock.Anything).Return(func(ctx workflow.Context, in StageInput) (StageResult, error) {
		timeout = workflow.GetInfo(ctx).WorkflowTaskTimeout
		return StageResult{Stage: in.Stage.ID}, nil
	})
	h.run(ProcessWorkflowID("test"), Process, ProcessInput{ProcessID: "test", Template: tmpl, Clock: testClock()})
	require.NoError(t, h.env.GetWorkflowError())
	require.Equal(t, WorkflowTaskTimeout, timeout)
}

// TestAnOverrideIsRecordedWithItsChange: a schedule change made with a rule
// of the modalities set aside records the override with the change, by the
// same activity, under the change's key: the change never stands alone.
func TestAnOverrideIsRecordedWithItsChange(t *testing.T) {
	h := newHarness(t)
	in := simulatedInput(testTemplate())
	id := ProcessWorkflowID("test")
	o := &event.ModalityOverriddenData{Act: "schedule", Actor: event.Actor{By: "PGA", Role: "pga-office"}, Breach: "before the stocktaking",
		Reason: "agreed orally", Rule: "T:phases", Source: "A/RES/99/1", Stage: "modalities"}
	var moved *updateOutcome
	h.at(day("2030-01-02"), func() {
		moved = h.update(id, UpdateReschedule, RescheduleRequest{StageID: "modalities", Start: date("2030-01-08"), Reason: "room taken", SetAside: o})
	})
	h.run(id, Process, in)
	require.NoError(t, h.env.GetWorkflowError())
	require.NoError(t, moved.err)
	require.Nil(t, moved.rejected)

	entries := h.record("test")
	i := slices.IndexFunc(entries, func(e process.RecordEntry) bool { return e.Event == string(event.ModalityOverridden) })
	require.Positive(t, i, "no override after the change in %v", h.events("test"))
	require.Equal(t, string(event.StageRescheduled), entries[i-1].Event)
	require.Equal(t, "modalities", entries[i].StageID)
	require.Equal(t, entries[i-1].At, entries[i].At)
	require.Equal(t, "modality.overridden/modalities/schedule/T:phases/change-1", entries[i].Key)
	d, err := event.DecodeAs[event.ModalityOverriddenData]([]byte(entries[i].Data))
	require.NoError(t, err)
	require.Equal(t, *o, d)
}

// TestStatusShowsAppointmentsFromTheirDate: the status the API reads (and
// its clash checks with it) names a co-facilitator the template appoints
// only once process time reaches the appointment's date, not from the
// process's start.
func TestStatusShowsAppointmentsFromTheirDate(t *testing.T) {
	h := newHarness(t)
	tmpl := testTemplate()
	tmpl.Appointments = []process.Appointment{{State: "MEX", Role: "co-facilitator", Date: date("2030-01-10"), Source: "test"}}
	id := ProcessWorkflowID("test")
	statusAt := func(d string) *ProcessStatus {
		var st ProcessStatus
		h.at(day(d), func() {
			v, err := h.env.QueryWorkflow(QueryStatus)
			require.NoError(t, err)
			require.NoError(t, v.Get(&st))
		})
		return &st
	}
	before, on := statusAt("2030-01-06"), statusAt("2030-01-10")
	h.run(id, Process, simulatedInput(tmpl))
	require.NoError(t, h.env.GetWorkflowError())
	require.Empty(t, before.CoFacilitators, "on 6 January")
	require.Empty(t, before.Appointments, "on 6 January")
	require.Equal(t, []string{"MEX"}, on.CoFacilitators, "on 10 January")
	require.Len(t, on.Appointments, 1)
}

// TestAMovedConsultationKeepsThePhaseAsTheAPIShowsIt: the read model's
// phase is the one the API shows (process.Standing over the read model's
// stages) after every change, here a consultation moved past the first
// draft and then past the first round: while it comes next, its phase is
// still the process's; moved behind the round, the negotiations' until
// the round ends.
func TestAMovedConsultationKeepsThePhaseAsTheAPIShowsIt(t *testing.T) {
	h := newHarness(t)
	tmpl := testTemplate()
	tmpl.Phases[1].Stages = append(tmpl.Phases[1].Stages, process.StageSpec{ID: "ts2", Kind: process.ThematicSession,
		Title: "Thematic session 2", Place: "Geneva", Start: date("2030-03-15")})
	id := ProcessWorkflowID("test")
	var phases []string
	// agree checks that the read model's phase is the API's, and notes it.
	agree := func() {
		ctx := context.Background()
		p, err := h.store.GetProcess(ctx, "test")
		require.NoError(t, err)
		stages, err := h.store.ListStages(ctx, "test")
		require.NoError(t, err)
		shown, _ := process.Standing(stages, p.Phase)
		require.Equal(t, shown, p.Phase, "the read model's phase on %s", h.env.Now().Format(time.DateOnly))
		phases = append(phases, p.Phase)
	}
	var past, behind *updateOutcome
	h.at(day("2030-03-05"), func() {
		past = h.update(id, UpdateReschedule, RescheduleRequest{StageID: "ts2", Start: date("2030-04-05"), Reason: "room taken"})
	})
	for _, d := range []string{"2030-03-06", "2030-04-02", "2030-04-04", "2030-04-13", "2030-04-21"} {
		h.at(day(d), agree)
	}
	h.at(day("2030-04-03"), func() {
		behind = h.update(id, UpdateReschedule, RescheduleRequest{StageID: "ts2", Start: date("2030-04-20"), Reason: "room taken again"})
	})
	h.run(id, Process, simulatedInput(tmpl))
	require.NoError(t, h.env.GetWorkflowError())
	require.NoError(t, past.err)
	require.NoError(t, behind.err)
	agree()
	// After the round the consultation comes next again, and its phase
	// with it, until the second draft.
	require.Equal(t, []string{"consultations", "consultations", "negotiations", "consultations", "consultations", "adoption"}, phases)
}
