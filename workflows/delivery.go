package workflows

import (
	"cmp"
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
)

// Delivery sends the notifications of one event (a stage event, a
// receipt, a digest, an endpoint owner's notice) that are pending in the
// outbox. Its one activity goes through them with heartbeats and fails,
// retryably, while some of them failed in a way worth retrying: Temporal's
// retry policy then backs off, up to an hour between attempts, until each
// is sent, skipped or given up on (an endpoint failing for days is
// disabled). Its history stays a dozen events however many recipients.
func Delivery(ctx workflow.Context, in DeliveryInput) (activities.DeliverEventResult, error) {
	ctx = slowWork(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Hour,
		// A worker killed mid-delivery is noticed this soon; the activity
		// heartbeats every activities.HeartbeatEvery, even during a send.
		HeartbeatTimeout: 10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    5 * time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Hour,
		},
	})
	var res activities.DeliverEventResult
	err := workflow.ExecuteActivity(ctx, dl.DeliverEvent, activities.DeliverEventInput{EventKey: in.EventKey}).Get(ctx, &res)
	return res, err
}

// dl names the Deliverer's activities; the worker registers the real one.
var dl *activities.Deliverer

// deliverNotificationsVersion marks the change that starts a Delivery for
// every recorded event with notifications to send.
const deliverNotificationsVersion = "deliver-notifications"

// startDelivery starts an event's Delivery as a child that outlives its
// parent, and waits until it has started so that the start is durable.
// One already started is fine; any other failure is logged: the
// notifications stay pending and the Notifications workflow's sweep starts
// their delivery later.
func startDelivery(ctx workflow.Context, eventKey string) {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        DeliveryWorkflowID(eventKey),
		TaskQueue:         TaskQueue,
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	err := workflow.ExecuteChildWorkflow(cctx, Delivery, DeliveryInput{EventKey: eventKey}).GetChildWorkflowExecution().Get(ctx, nil)
	if _, started := errors.AsType[*temporal.ChildWorkflowExecutionAlreadyStartedError](err); err != nil && !started {
		workflow.GetLogger(ctx).Warn("starting a delivery failed; the sweep will", "event", eventKey, "error", err)
	}
}

// StartDelivery starts an event's Delivery workflow from outside a
// workflow (the API, the sweep), unless it is running.
func StartDelivery(ctx context.Context, c client.Client, eventKey string) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: DeliveryWorkflowID(eventKey), TaskQueue: TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, Delivery, DeliveryInput{EventKey: eventKey})
	return err
}

// Notifications is the outbox's clock, one for the whole deployment: at
// each digest day's end it sends the daily digests (and at a week's end,
// Monday 00:00 UTC, the weekly ones), and in between it sweeps the outbox
// for pending notifications that no Delivery is sending. It continues as
// new every hundred rounds.
func Notifications(ctx workflow.Context, in NotificationsInput) error {
	sweepEvery := cmp.Or(in.SweepEvery, 10*time.Minute)
	day := cmp.Or(in.Day, 24*time.Hour)
	if in.LastDigest.IsZero() {
		in.LastDigest = boundary(workflow.Now(ctx), day)
	}
	actx := slowWork(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Hour,
		HeartbeatTimeout:    10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute},
	})
	log := workflow.GetLogger(ctx)
	for round := 0; round < 100 && (round == 0 || !workflow.GetInfo(ctx).GetContinueAsNewSuggested()); round++ {
		next := in.LastDigest.Add(day)
		if wait := next.Sub(workflow.Now(ctx)); wait > 0 {
			if err := workflow.Sleep(ctx, min(wait, sweepEvery)); err != nil {
				return err
			}
		}
		if workflow.Now(ctx).Before(next) {
			err := workflow.ExecuteActivity(actx, dl.SweepOutbox, activities.SweepInput{OlderThan: sweepEvery / 2}).Get(ctx, nil)
			if err != nil {
				log.Error("sweeping the outbox failed", "error", err)
			}
			continue
		}
		err := workflow.ExecuteActivity(actx, dl.SendDigests, activities.SendDigestsInput{
			At: next, Weekly: weekEnds(next, day), Day: day,
		}).Get(ctx, nil)
		if err != nil { // what was held stays held, for the next digest
			log.Error("sending the digests failed", "at", next, "error", err)
		}
		in.LastDigest = next
	}
	return workflow.NewContinueAsNewError(ctx, Notifications, in)
}

// StartNotifications starts the Notifications workflow unless it is
// running: every worker does when it starts.
func StartNotifications(ctx context.Context, c client.Client, in NotificationsInput) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: NotificationsWorkflowID, TaskQueue: TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, Notifications, in)
	return err
}

var epoch = time.Unix(0, 0).UTC()

// boundary is the last digest day's end at or before t: with 24-hour days,
// midnight UTC.
func boundary(t time.Time, day time.Duration) time.Time {
	return epoch.Add(t.Sub(epoch) / day * day)
}

// weekEnds reports whether a day's end is a week's: the Unix epoch fell on
// a Thursday, so weeks end four days after it, Mondays at 00:00 UTC.
func weekEnds(t time.Time, day time.Duration) bool {
	return (t.Sub(epoch)-4*day)%(7*day) == 0
}
