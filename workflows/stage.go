package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// a names activities by method; the worker registers the real struct.
var a *activities.Activities

// withActivityOptions gives store activities a short timeout and retries
// without limit: a store that is down delays a stage, it does not fail it.
// The timeout is also how long an attempt lost with a crashed worker holds
// its stage up, so it stays short: each activity is a few transactions.
// Rule violations come back non-retryable (see activities.Classify).
func withActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Second,
		RetryPolicy:         storeRetries,
	})
}

// storeActivity runs a store activity: a local one in a simulation in
// lockstep (recorder.local says why).
func storeActivity(ctx workflow.Context, local bool, activity, arg any) workflow.Future {
	if local {
		return workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
			StartToCloseTimeout: 5 * time.Second, RetryPolicy: storeRetries,
		}), activity, arg)
	}
	return workflow.ExecuteActivity(withActivityOptions(ctx), activity, arg)
}

// storeActivity runs one of the stage's store activities.
func (s *stage) storeActivity(ctx workflow.Context, activity, arg any) workflow.Future {
	return storeActivity(ctx, s.rec.local, activity, arg)
}

// storeRetries retry a store activity without limit.
var storeRetries = &temporal.RetryPolicy{
	InitialInterval:    time.Second,
	BackoffCoefficient: 2,
	MaximumInterval:    time.Minute,
}

// withSimulationOptions allows the simulated participants' bulk work longer.
func withSimulationOptions(ctx workflow.Context) workflow.Context {
	return slowWork(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
	})
}

// taskQueuesVersion marks the change that moved the slow activities to
// SlowTaskQueue: a task queue is part of the command that schedules one.
const taskQueuesVersion = "task-queues"

// slowWork runs the activities of ctx with opts on SlowTaskQueue: the one
// place an activity's task queue is chosen. Every other activity runs on
// its workflow's, TaskQueue, as do those of runs recorded before the change.
func slowWork(ctx workflow.Context, opts workflow.ActivityOptions) workflow.Context {
	if workflow.GetVersion(ctx, taskQueuesVersion, workflow.DefaultVersion, 1) == 1 {
		opts.TaskQueue = SlowTaskQueue
	}
	return workflow.WithActivityOptions(ctx, opts)
}

// clock reads process time inside a workflow: the wall's, scaled, or in
// lockstep the time the Process has reached (lockstep.go).
type clock struct {
	process.Clock
	step *lockstep
}

func (c clock) now(ctx workflow.Context) time.Time {
	if c.step != nil {
		return c.step.now
	}
	return c.ProcessTime(workflow.Now(ctx))
}

// wait blocks until process time t, or until cond holds when cond is not
// nil. It reports whether cond ended the wait.
func (c clock) wait(ctx workflow.Context, t time.Time, cond func() bool) (bool, error) {
	if c.step != nil {
		return c.step.wait(ctx, t, cond)
	}
	d := c.Wall(t).Sub(workflow.Now(ctx))
	if cond == nil {
		if d <= 0 {
			return false, nil
		}
		return false, workflow.Sleep(ctx, d)
	}
	if cond() {
		return true, nil
	}
	if d <= 0 {
		return false, nil
	}
	return workflow.AwaitWithTimeout(ctx, d, cond)
}

// recorder records a process's events and notifies their subscribers.
type recorder struct {
	processID string
	// local: a simulation in lockstep records one event after another in
	// process time's order; its two short store activities run as local
	// activities, in the workflow's own task, not a round trip each.
	local bool
}

// record appends the event, with data of its type in the event catalogue
// (nil for none), to the record, then queues its notifications and starts
// the Delivery of those to send now.
func (r recorder) record(ctx workflow.Context, ev activities.StageEvent, data any) error {
	ev.ProcessID = r.processID
	var err error
	if ev.Data, err = event.Encode(data); err != nil {
		return err
	}
	var entry process.RecordEntry
	if err := storeActivity(ctx, r.local, a.RecordStage, ev).Get(ctx, &entry); err != nil {
		return err
	}
	var sendNow int
	if err := storeActivity(ctx, r.local, a.Notify, activities.NotifyInput{
		ProcessID: r.processID, Key: entry.Key, StageID: ev.StageID, Event: ev.Event, Data: ev.Data,
	}).Get(ctx, &sendNow); err != nil {
		return err
	}
	if sendNow > 0 && workflow.GetVersion(ctx, deliverNotificationsVersion, workflow.DefaultVersion, 1) == 1 {
		startDelivery(ctx, entry.Key)
	}
	return nil
}

// stageRow is the read-model row of a stage.
func stageRow(processID string, s StageState) process.Stage {
	return process.Stage{ProcessID: processID, Phase: s.Phase, Seq: s.Seq, Spec: s.Spec, Status: s.Status, Moved: s.Moved}
}

// stage is what every stage workflow shares: its input, clock and recorder.
type stage struct {
	in  StageInput
	clk clock
	rec recorder
}

func newStage(in StageInput) *stage {
	return &stage{in: in, clk: clock{Clock: in.Clock, step: stageLockstep(in)}, rec: recorder{processID: in.ProcessID, local: in.Lockstep}}
}

// simulated says whether an event's data is the simulated participants'
// doing (their applications, objections, contributions, drafts,
// amendments): when the stage runs in a simulation.
func (s *stage) simulated() bool { return s.in.Simulation != nil }

// zone names the stage's venue time zone, in which its messages show its
// deadlines.
func (s *stage) zone() string { return s.in.Stage.Location().String() }

func (s *stage) record(ctx workflow.Context, name event.Name, at time.Time, data any) error {
	return s.rec.record(ctx, activities.StageEvent{StageID: s.in.Stage.ID, Event: name, At: at}, data)
}

// setUpdate registers an update whose validator and handler errors reach the
// caller as application errors typed by kind.
func setUpdate[Req, Res any](ctx workflow.Context, name string,
	handler func(workflow.Context, Req) (Res, error), validator func(workflow.Context, Req) error) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, req Req) (Res, error) {
			res, err := handler(ctx, req)
			return res, activities.Classify(err)
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, req Req) error {
			return activities.Classify(validator(ctx, req))
		}})
}
