package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/process"
)

// silenceSpec is a text under silence in New York from 10 January 2030
// until the end of 20 January there: 05:00 UTC on the 21st.
func silenceSpec() process.StageSpec {
	return process.StageSpec{ID: "silence", Kind: process.Silence, Title: "Draft modalities under silence",
		Place: "New York", TimeZone: "America/New_York", Start: date("2030-01-10"), End: date("2030-01-20"),
		Documents: []process.Document{{Symbol: "A/99/L.1", Title: "Draft resolution", Kind: "draft"}}}
}

var silenceDeadline = day("2030-01-21").Add(5 * time.Hour)

func (h *harness) silenceInput() StageInput {
	clk := testClock()
	clk.Start = h.env.Now()
	return StageInput{ProcessID: "test", ProcessCode: "TST", Stage: silenceSpec(), Clock: clk}
}

func TestASilenceNobodyBreaksPasses(t *testing.T) {
	h := newHarness(t)
	h.registered()
	id := StageWorkflowID("test", "silence")
	var stakeholder, empty *updateOutcome
	h.at(day("2030-01-15"), func() {
		stakeholder = h.update(id, UpdateBreakSilence, BreakSilenceRequest{State: "Amnesty International", Letter: "We object."})
		empty = h.update(id, UpdateBreakSilence, BreakSilenceRequest{State: "MEX", Letter: "  "})
	})
	h.run(id, Silence, h.silenceInput())
	require.NoError(t, h.env.GetWorkflowError())

	requireKind(t, process.Forbidden, stakeholder.rejected)
	requireKind(t, process.Invalid, empty.rejected)
	var res StageResult
	require.NoError(t, h.env.GetWorkflowResult(&res))
	require.Equal(t, &process.SilenceResult{Deadline: silenceDeadline, Outcome: process.SilencePassed}, res.Silence)
	require.Equal(t, silenceDeadline, res.EndedAt, "a date alone ends with that day in New York")
	require.Equal(t, []string{"silence silence.placed", "silence silence.passed"}, h.events("test"))
	passed := h.record("test")[1]
	require.Equal(t, silenceDeadline, passed.At)
	require.Contains(t, passed.Data, `"outcome":"passed"`)
}

// TestAStateBreaksTheSilence: a letter after midnight UTC on the last day
// but before midnight in New York is in time, and ends the stage.
func TestAStateBreaksTheSilence(t *testing.T) {
	h := newHarness(t)
	h.registered()
	id := StageWorkflowID("test", "silence")
	var first *updateOutcome
	breakAt := day("2030-01-21").Add(2 * time.Hour)
	h.at(breakAt, func() {
		first = h.update(id, UpdateBreakSilence, BreakSilenceRequest{State: "HUN", Letter: "Hungary breaks the silence.", Proposal: "Delete paragraph 3."})
	})
	h.run(id, Silence, h.silenceInput())
	require.NoError(t, h.env.GetWorkflowError())

	require.NoError(t, first.rejected)
	require.NoError(t, first.err)
	var res StageResult
	require.NoError(t, h.env.GetWorkflowResult(&res))
	want := &process.SilenceBreak{State: "HUN", At: breakAt,
		LetterSHA256: sha256Hex("Hungary breaks the silence."), ProposalSHA256: sha256Hex("Delete paragraph 3.")}
	require.Equal(t, &process.SilenceResult{Deadline: silenceDeadline, Outcome: process.SilenceBroken, Break: want}, res.Silence)
	require.Equal(t, breakAt, res.EndedAt)
	require.Equal(t, []string{"silence silence.placed", "silence silence.broken"}, h.events("test"))
	broken := h.record("test")[1]
	require.Equal(t, breakAt, broken.At)
	require.Contains(t, broken.Data, `"state":"HUN"`)
	require.Contains(t, broken.Data, `"letterSha256":"`+want.LetterSHA256+`"`)
	require.NotContains(t, broken.Data, "Hungary breaks", "the record keeps the letter's hash, not its text")
}

// TestASecondBreakNamesTheFirst sends two breaks in one instant: the
// validator refuses the second, naming the State that broke the silence.
func TestASecondBreakNamesTheFirst(t *testing.T) {
	h := newHarness(t)
	h.registered()
	id := StageWorkflowID("test", "silence")
	var first, second *updateOutcome
	h.at(day("2030-01-12"), func() {
		first = h.update(id, UpdateBreakSilence, BreakSilenceRequest{State: "HUN", Letter: "Hungary breaks the silence."})
		second = h.update(id, UpdateBreakSilence, BreakSilenceRequest{State: "USA", Letter: "So do we."})
	})
	h.run(id, Silence, h.silenceInput())
	require.NoError(t, first.rejected)
	require.NoError(t, first.err)
	requireKind(t, process.Conflict, second.rejected)
	require.Contains(t, second.rejected.Error(), "HUN broke the silence")
	require.Equal(t, []string{"silence silence.placed", "silence silence.broken"}, h.events("test"))
}

// TestABreakAfterTheDeadlineIsRefused asks the silence's validator at a
// process time past the deadline, as when a worker comes back after it.
func TestABreakAfterTheDeadlineIsRefused(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	late := func(ctx workflow.Context) error {
		in := StageInput{ProcessID: "test", Stage: silenceSpec(),
			Clock: process.Clock{Origin: silenceDeadline.Add(time.Minute), Start: workflow.Now(ctx), Scale: 1}}
		s := &silence{stage: newStage(in)}
		return s.validateBreak(ctx, BreakSilenceRequest{State: "HUN", Letter: "Too late."})
	}
	env.RegisterWorkflow(late)
	env.ExecuteWorkflow(late)
	err := env.GetWorkflowError()
	require.Error(t, err)
	require.Contains(t, err.Error(), "the silence ended at its deadline, 2030-01-20 24:00 America/New_York")
}

// TestTheOfficeExtendsASilence: a silence added at run time is extended by
// two days on its last evening in New York; a break after the old deadline
// is then in time.
func TestTheOfficeExtendsASilence(t *testing.T) {
	h := newHarness(t)
	id := ProcessWorkflowID("test")
	var add, extend, late *updateOutcome
	h.at(day("2030-01-02"), func() {
		add = h.update(id, UpdateAddStage, AddStageRequest{Phase: "preparation", Stage: silenceSpec(), Reason: "Modalities text circulated"})
	})
	// After midnight UTC, before midnight in New York: the silence runs.
	h.at(day("2030-01-21").Add(2*time.Hour), func() {
		extend = h.update(id, UpdateExtendStage, ExtendStageRequest{StageID: "silence", Days: 2, Reason: "Delegations asked for the weekend"})
	})
	h.at(day("2030-01-22").Add(12*time.Hour), func() {
		late = h.update(StageWorkflowID("test", "silence"), UpdateBreakSilence, BreakSilenceRequest{State: "USA", Letter: "The United States breaks the silence."})
	})
	h.run(id, Process, simulatedInput(testTemplate()))
	require.NoError(t, h.env.GetWorkflowError())
	for _, u := range []*updateOutcome{add, extend, late} {
		require.True(t, u.done)
		require.NoError(t, u.rejected)
		require.NoError(t, u.err)
	}

	var res ProcessResult
	require.NoError(t, h.env.GetWorkflowResult(&res))
	got := res.Stages["silence"].Silence
	require.Equal(t, process.SilenceBroken, got.Outcome)
	require.Equal(t, silenceDeadline.AddDate(0, 0, 2), got.Deadline, "the deadline moved with the stage's end")
	requireSubsequence(t, h.events("test"), []string{"silence stage.added", "silence stage.started", "silence silence.placed",
		"silence stage.rescheduled", "silence silence.broken", "silence stage.completed"})
}

// TestASimulatedSilenceRecordsNoOutcome: nobody plays the States' letters
// in a simulation, so reaching the deadline says nothing of what happened.
func TestASimulatedSilenceRecordsNoOutcome(t *testing.T) {
	h := newHarness(t)
	h.registered()
	in := h.silenceInput()
	in.Simulation = &Simulation{}
	h.run(StageWorkflowID("test", "silence"), Silence, in)
	var res StageResult
	require.NoError(t, h.env.GetWorkflowResult(&res))
	require.Equal(t, process.SilenceNotInSources, res.Silence.Outcome)
	require.Equal(t, []string{"silence silence.placed", "silence silence.ended"}, h.events("test"))
}
