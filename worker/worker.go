// Package worker registers Compact's workflows and activities on their task
// queues and runs them until stopped.
package worker

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/workflows"
)

// Activity slots per worker. The critical worker's activities are a few
// store transactions each: as many slots as a PostgreSQL store's
// connections. The slow worker's hold a slot for as long as a webhook or a
// mail server makes them wait, or the simulated participants' bulk work
// takes, and may fill every one of them without holding a deadline up.
const (
	criticalActivities = 32
	slowActivities     = 16
)

// On stop, activities in flight get this long to finish.
const stopTimeout = 20 * time.Second

// Workers are a deployment's two workers: Critical polls workflows.TaskQueue
// for the workflows and the deadline-critical activities, Slow polls
// workflows.SlowTaskQueue for the slow ones.
type Workers struct {
	Critical, Slow sdkworker.Worker
}

// New is NewWith a Deliverer over acts' store that sends webhooks to
// public addresses and, with no mail server, records email as skipped.
func New(c client.Client, acts *activities.Activities) Workers {
	return NewWith(c, acts, &activities.Deliverer{Store: acts.Store, Senders: notify.Senders{
		notify.ChannelEmail:   notify.Skip{Reason: "no mail server is configured"},
		notify.ChannelWebhook: &notify.Webhook{},
	}})
}

// NewWith returns the workers with every workflow and the activities on
// acts and d registered; d starts Delivery workflows through c unless it
// has its own way. Start them with Start and stop them with Stop, which
// drains the tasks in hand.
func NewWith(c client.Client, acts *activities.Activities, d *activities.Deliverer) Workers {
	if d.StartDelivery == nil {
		d.StartDelivery = func(ctx context.Context, eventKey string) error {
			return workflows.StartDelivery(ctx, c, eventKey)
		}
	}
	w := Workers{
		Critical: sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
			MaxConcurrentActivityExecutionSize: criticalActivities,
			WorkerStopTimeout:                  stopTimeout,
		}),
		Slow: sdkworker.New(c, workflows.SlowTaskQueue, sdkworker.Options{
			MaxConcurrentActivityExecutionSize: slowActivities,
			WorkerStopTimeout:                  stopTimeout,
			DisableWorkflowWorker:              true,
		}),
	}
	workflows.Register(w.Critical)
	// Each worker takes every activity: a workflow recorded before the
	// task queues split (workflows.SlowTaskQueue) still schedules its slow
	// ones on workflows.TaskQueue.
	for _, x := range []sdkworker.Worker{w.Critical, w.Slow} {
		x.RegisterActivity(acts)
		x.RegisterActivity(d)
	}
	return w
}

// Start starts both workers, or neither.
func (w Workers) Start() error {
	if err := w.Critical.Start(); err != nil {
		return err
	}
	if err := w.Slow.Start(); err != nil {
		w.Critical.Stop()
		return err
	}
	return nil
}

// Stop stops both workers, draining the tasks in hand.
func (w Workers) Stop() {
	w.Slow.Stop()
	w.Critical.Stop()
}

// Run runs both workers until interrupt is closed or either dies; then it
// stops both and returns why one died.
func (w Workers) Run(interrupt <-chan any) error {
	stop := make(chan any)
	died := make(chan error, 2)
	for _, x := range []sdkworker.Worker{w.Critical, w.Slow} {
		go func() { died <- x.Run(stop) }()
	}
	select {
	case <-interrupt:
	case err := <-died:
		close(stop)
		return errors.Join(err, <-died)
	}
	close(stop)
	return errors.Join(<-died, <-died)
}
