package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/event"
)

// milestoneInput versions the Milestone that records who contributed it
// (the UN system, the GFMD), as its template stage names.
const milestoneInput = "milestone-input"

// Milestone records a dated fact of the process (a resolution adopted, a
// report issued, co-facilitators appointed) on its date.
func Milestone(ctx workflow.Context, in StageInput) (StageResult, error) {
	s := newStage(in)
	if _, err := s.clk.wait(ctx, in.Stage.Start.Time, nil); err != nil {
		return StageResult{}, err
	}
	data := event.MilestoneData{Title: in.Stage.Title, Place: in.Stage.Place, Documents: event.Documents(in.Stage.Documents), Unconfirmed: in.Stage.Unconfirmed}
	if workflow.GetVersion(ctx, milestoneInput, workflow.DefaultVersion, 1) != workflow.DefaultVersion {
		data.Input = in.Stage.Input
	}
	if err := s.record(ctx, event.MilestoneReached, in.Stage.Start.Time, data); err != nil {
		return StageResult{}, err
	}
	return StageResult{Stage: in.Stage.ID, EndedAt: in.Stage.Start.Time}, nil
}
