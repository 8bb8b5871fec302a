package workflows

import (
	"go.temporal.io/sdk/workflow"
)

// Milestone records a dated fact of the process (a resolution adopted, a
// report issued, co-facilitators appointed) on its date.
func Milestone(ctx workflow.Context, in StageInput) (StageResult, error) {
	s := newStage(in)
	if _, err := s.clk.wait(ctx, in.Stage.Start.Time, nil); err != nil {
		return StageResult{}, err
	}
	data := map[string]any{"title": in.Stage.Title}
	if in.Stage.Place != "" {
		data["place"] = in.Stage.Place
	}
	if docs := documentsData(in.Stage.Documents); docs != nil {
		data["documents"] = docs
	}
	if in.Stage.Unconfirmed {
		data["unconfirmed"] = true
	}
	if err := s.record(ctx, "milestone.reached", in.Stage.Start.Time, data); err != nil {
		return StageResult{}, err
	}
	return StageResult{Stage: in.Stage.ID, EndedAt: in.Stage.Start.Time}, nil
}
