package api

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/compact-un/compact/process"
)

// updateTimeout bounds a request that waits on a workflow update, whose
// activities retry for as long as the store is down.
const updateTimeout = 30 * time.Second

// update runs a workflow update and waits for its result. A validator's
// refusal or a handler's failure keeps its kind; a workflow that does not
// run (any more) is NotFound or Conflict.
func (s *Server) update(ctx context.Context, workflowID, name string, arg, result any) error {
	return s.updateOnce(ctx, workflowID, "", name, arg, result)
}

// updateOnce is update under an update ID: requests that carry the same ID
// share one update and its result.
func (s *Server) updateOnce(ctx context.Context, workflowID, updateID, name string, arg, result any) error {
	const op = "api.update"
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateID: updateID, UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, result)
	}
	return temporalError(op, err)
}

// temporalError gives an error from Temporal's client the kind a caller
// can act on.
func temporalError(op string, err error) error {
	var notFound *serviceerror.NotFound
	var unavailable *serviceerror.Unavailable
	var exists *serviceerror.WorkflowExecutionAlreadyStarted
	var appErr *temporal.ApplicationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &notFound):
		return process.Errorf(op, process.Conflict, "the workflow is not running: %v", notFound.Message)
	case errors.As(err, &exists):
		return process.Errorf(op, process.Conflict, "it exists already")
	case errors.As(err, &unavailable), errors.Is(err, context.DeadlineExceeded):
		return process.E(op, process.Unavailable, err)
	case errors.As(err, &appErr):
		// A validator's refusal or a handler's failure: its kind and its
		// message, without the chain of causes Temporal adds.
		if kind, ok := process.ParseKind(appErr.Type()); ok {
			return process.Errorf(op, kind, "%s", appErr.Message())
		}
	}
	return err // an application error keeps its kind (activities.KindOf)
}
