package activities

import (
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/compact-un/compact/process"
)

// Classify maps an error to Temporal's, in one place: a request the rules
// refuse will be refused again, so it is a non-retryable application error
// whose type is the kind's name; faults stay retryable.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	switch kind := process.KindOf(err); kind {
	case process.Internal, process.Unavailable, process.RateLimited:
		return err
	default:
		return temporal.NewNonRetryableApplicationError(process.Message(err), kind.String(), err)
	}
}

// KindOf recovers the kind of an error that crossed Temporal: an update's
// rejection, an activity's or a workflow's failure.
func KindOf(err error) process.Kind {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		if kind, ok := process.ParseKind(appErr.Type()); ok {
			return kind
		}
	}
	return process.KindOf(err)
}
