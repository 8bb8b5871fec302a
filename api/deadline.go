package api

import (
	"context"
	"errors"
	"time"

	"github.com/compact-un/compact/process"
)

// stageDeadline names a stage's deadline in a refusal as every reader
// shows it: in the venue's zone, the zone named, then the UTC instant, a
// deadline at midnight there as the day before's 24:00. Every refusal that
// names a stage's instant goes through it or stageInstant, so that the API,
// the CLI that prints its detail and the pages that pass it through name the
// instant as the stage's pages and calendar do.
func stageDeadline(spec process.StageSpec, t time.Time) string {
	return process.FormatDeadline(t, spec.Location())
}

// stageInstant is stageDeadline for an instant that is not a deadline,
// such as an opening or a party's act: midnight reads as 00:00.
func stageInstant(spec process.StageSpec, t time.Time) string {
	return process.FormatInstant(t, spec.Location())
}

// closedInVenue names the deadline of a closed window's refusal in its
// stage's venue zone: the store, which refused, knows no venue. Any other
// error, or one whose stage cannot be read, is err as it is.
func (s *Server) closedInVenue(ctx context.Context, processID, stageID string, err error) error {
	var closed *process.WindowClosed
	if !errors.As(err, &closed) {
		return err
	}
	if sg, serr := s.findStage(ctx, processID, stageID); serr == nil {
		closed.Zone = sg.Spec.Location()
	}
	return err
}
