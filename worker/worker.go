// Package worker registers Compact's workflows and activities on the task
// queue and runs them until stopped.
package worker

import (
	"context"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/workflows"
)

// New is NewWith a Deliverer over acts' store that sends webhooks to
// public addresses and, with no mail server, records email as skipped.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	return NewWith(c, acts, &activities.Deliverer{Store: acts.Store, Senders: notify.Senders{
		notify.ChannelEmail:   notify.Skip{Reason: "no mail server is configured"},
		notify.ChannelWebhook: &notify.Webhook{},
	}})
}

// NewWith returns a worker polling workflows.TaskQueue with every workflow
// and the activities on acts and d registered; d starts Delivery workflows
// through c unless it has its own way. Start it with Start and stop it
// with Stop, which drains the tasks in hand.
func NewWith(c client.Client, acts *activities.Activities, d *activities.Deliverer) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		// On stop, activities in flight get this long to finish.
		WorkerStopTimeout: 20 * time.Second,
	})
	workflows.Register(w)
	w.RegisterActivity(acts)
	if d.StartDelivery == nil {
		d.StartDelivery = func(ctx context.Context, eventKey string) error {
			return workflows.StartDelivery(ctx, c, eventKey)
		}
	}
	w.RegisterActivity(d)
	return w
}
