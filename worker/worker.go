// Package worker registers Compact's workflows and activities on the task
// queue and runs them until stopped.
package worker

import (
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/workflows"
)

// New returns a worker polling workflows.TaskQueue with every workflow and
// the activities on acts registered. Start it with Start and stop it with
// Stop, which drains the tasks in hand.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		// On stop, activities in flight get this long to finish.
		WorkerStopTimeout: 20 * time.Second,
	})
	workflows.Register(w)
	w.RegisterActivity(acts)
	return w
}
