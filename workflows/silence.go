package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// Silence runs a silence procedure: the text is placed under silence when
// the stage starts; a Member State's letter before the deadline breaks it
// (UpdateBreakSilence), and otherwise it passes at the deadline, the stage's
// end, on a durable timer that follows the office's moves of the stage. In
// a simulation nobody writes the States' letters, so a silence that reaches
// its deadline records that the sources give no outcome rather than one
// that may not have happened.
func Silence(ctx workflow.Context, in StageInput) (StageResult, error) {
	s := &silence{stage: newStage(in)}
	if err := setUpdate(ctx, UpdateBreakSilence, s.breakSilence, s.validateBreak); err != nil {
		return StageResult{}, err
	}
	followMoves(ctx, s.stage, &s.moves, in.Stage.Code)
	return s.run(ctx)
}

type silence struct {
	*stage
	// moves has no window: followMoves sets its moved flag, which wakes
	// the wait for the deadline when the office moves or extends the stage.
	moves  window
	placed bool // silence.placed is recorded
	over   bool // the deadline passed unbroken: nothing breaks it now
	broken *process.SilenceBreak
}

func (s *silence) run(ctx workflow.Context) (StageResult, error) {
	spec := s.in.Stage
	if _, err := s.clk.wait(ctx, spec.Start.Time, nil); err != nil {
		return StageResult{}, err
	}
	if err := s.record(ctx, event.SilencePlaced, spec.Start.Time, event.SilencePlacedData{
		Title: spec.Title, Deadline: spec.SilenceEnds(), TimeZone: s.zone(), Documents: event.Documents(spec.Documents),
	}); err != nil {
		return StageResult{}, err
	}
	s.placed = true
	for {
		woke, err := s.clk.wait(ctx, s.in.Stage.SilenceEnds(), func() bool { return s.moves.moved || s.broken != nil })
		if err != nil {
			return StageResult{}, err
		}
		if s.broken == nil && woke {
			s.moves.moved = false
			continue
		}
		break
	}
	res := StageResult{Stage: spec.ID, Silence: &process.SilenceResult{Deadline: s.in.Stage.SilenceEnds()}}
	if s.broken != nil {
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return StageResult{}, err
		}
		res.Silence.Outcome, res.Silence.Break, res.EndedAt = process.SilenceBroken, s.broken, s.broken.At
		return res, nil
	}
	s.over = true
	res.EndedAt = res.Silence.Deadline
	name := event.SilencePassed
	res.Silence.Outcome = process.SilencePassed
	if s.in.Simulation != nil {
		name, res.Silence.Outcome = event.SilenceEnded, process.SilenceNotInSources
	}
	return res, s.record(ctx, name, res.EndedAt, event.SilenceEndedData{Outcome: res.Silence.Outcome, Deadline: res.EndedAt, TimeZone: s.zone()})
}

func (s *silence) validateBreak(ctx workflow.Context, req BreakSilenceRequest) error {
	const op = "workflows.BreakSilence"
	deadline := s.in.Stage.SilenceEnds()
	switch {
	case s.broken != nil:
		return process.Errorf(op, process.Conflict, "%s broke the silence at %s already", s.broken.State,
			process.FormatInstant(s.broken.At, s.in.Stage.Location()))
	case s.over || !s.clk.now(ctx).Before(deadline):
		return process.Errorf(op, process.Conflict, "the silence ended at its deadline, %s", process.FormatDeadline(deadline, s.in.Stage.Location()))
	case !process.IsMemberState(req.State):
		return process.Errorf(op, process.Forbidden, "%q is not a Member State: only a Member State breaks silence", req.State)
	case strings.TrimSpace(req.Letter) == "":
		return process.Errorf(op, process.Invalid, "the letter breaking silence is required")
	case len(req.Letter) > process.MaxSilenceLetter || len(req.Proposal) > process.MaxSilenceLetter:
		return process.Errorf(op, process.TooLarge, "a letter and a proposal are at most %d bytes each", process.MaxSilenceLetter)
	}
	return nil
}

// breakSilence ends the silence broken: the State and its letter's hash
// go on the record, and the stage ends.
func (s *silence) breakSilence(ctx workflow.Context, req BreakSilenceRequest) (process.SilenceBreak, error) {
	if s.over { // the deadline's timer ran first in this task
		return process.SilenceBreak{}, s.validateBreak(ctx, req)
	}
	b := process.SilenceBreak{State: req.State, At: s.clk.now(ctx), LetterSHA256: sha256Hex(req.Letter)}
	if req.Proposal != "" {
		b.ProposalSHA256 = sha256Hex(req.Proposal)
	}
	s.broken = &b
	// A break that arrives as the stage starts waits for the placing.
	if err := workflow.Await(ctx, func() bool { return s.placed }); err != nil {
		return b, err
	}
	return b, s.record(ctx, event.SilenceBroken, b.At, event.SilenceBrokenData{
		State: b.State, LetterSHA256: b.LetterSHA256, ProposalSHA256: b.ProposalSHA256, Deadline: s.in.Stage.SilenceEnds(), TimeZone: s.zone(),
	})
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
