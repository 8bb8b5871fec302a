package workflows

import (
	"cmp"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"
)

// A simulation runs its stages in lockstep on one process clock that the
// Process workflow advances, not on the wall's timers: a stage that waits
// for a process time tells the Process, and the Process lets time move on
// only when every running stage waits, to the earliest time one waits for
// (or the next stage's start). Nothing is then recorded before what comes
// earlier in process time has been, so the record's order follows process
// time at any scale, and a replay takes only the time its work takes.
const lockstepVersion = "lockstep"

const (
	signalWaiting = "lockstep-waiting" // to the Process: a stage waits for a process time
	signalGrant   = "lockstep-grant"   // to a stage: process time has reached this
)

// lockstepWaiting is a stage's signalWaiting.
type lockstepWaiting struct {
	Stage string    `json:"stage"`
	Until time.Time `json:"until"`
}

// lockstep is one workflow's side of the shared clock.
type lockstep struct {
	now       time.Time // process time reached
	parent    string    // a stage's Process workflow; "" in the Process
	stage     string
	listening bool
	waiting   map[string]time.Time // the Process's: stages waiting, until when
}

// stageLockstep is a stage's side, its process time its start.
func stageLockstep(in StageInput) *lockstep {
	if !in.Lockstep {
		return nil
	}
	return &lockstep{now: in.Stage.Begins(), parent: ProcessWorkflowID(in.ProcessID), stage: in.Stage.ID}
}

// wait tells the Process this stage waits for process time t, then waits
// until the Process grants it or cond holds; it reports whether cond ended
// the wait.
func (l *lockstep) wait(ctx workflow.Context, t time.Time, cond func() bool) (bool, error) {
	holds := func() bool { return cond != nil && cond() }
	if holds() {
		return true, nil
	}
	if !t.After(l.now) {
		return false, nil
	}
	if !l.listening {
		l.listening = true
		grants := workflow.GetSignalChannel(ctx, signalGrant)
		workflow.Go(ctx, func(ctx workflow.Context) {
			for {
				var at time.Time
				grants.Receive(ctx, &at)
				if at.After(l.now) {
					l.now = at
				}
			}
		})
	}
	workflow.SignalExternalWorkflow(ctx, l.parent, "", signalWaiting, lockstepWaiting{Stage: l.stage, Until: t})
	if err := workflow.Await(ctx, func() bool { return !t.After(l.now) || holds() }); err != nil {
		return false, err
	}
	return t.After(l.now), nil
}

// startLockstep sets the Process's side going from process time now: it
// hears the stages that wait.
func (p *processRun) startLockstep(ctx workflow.Context, now time.Time) {
	l := &lockstep{now: now, waiting: map[string]time.Time{}}
	p.clk.step, p.rec.local = l, true
	waits := workflow.GetSignalChannel(ctx, signalWaiting)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var w lockstepWaiting
			waits.Receive(ctx, &w)
			l.waiting[w.Stage] = w.Until
			p.dirty = true
		}
	})
}

// lockstepWait waits, as the Process's loop does between stage starts,
// until the schedule changes or every running stage waits. Then process
// time moves on to the earliest time waited for, or to the time the
// Process itself is due (p.due; zero for none). A stage alone at that time
// may run on until the next time another stage waits for, or the Process
// is due: its steps till then are the only events due.
func (p *processRun) lockstepWait(ctx workflow.Context, due time.Time) error {
	l := p.clk.step
	idle := func() bool { return len(l.waiting) == p.running && p.handlersDone(ctx) && p.opening == 0 }
	if err := workflow.Await(ctx, func() bool { return p.dirty || idle() }); err != nil || !idle() {
		return err
	}
	stages := make([]string, 0, len(l.waiting))
	for id := range l.waiting {
		stages = append(stages, id)
	}
	// By the time each waits for, then by ID: the same on every replay.
	slices.SortFunc(stages, func(a, b string) int {
		return cmp.Or(l.waiting[a].Compare(l.waiting[b]), cmp.Compare(a, b))
	})
	times := make([]time.Time, 0, len(stages)+1)
	for _, id := range stages {
		times = append(times, l.waiting[id])
	}
	if !due.IsZero() {
		times = append(times, due)
	}
	slices.SortFunc(times, time.Time.Compare)
	if len(times) == 0 || !times[0].After(l.now) && len(stages) == 0 {
		return nil
	}
	if times[0].After(l.now) {
		l.now = times[0]
	}
	for i, id := range stages {
		if l.waiting[id].After(l.now) {
			break
		}
		until := l.now
		if i == 0 && len(times) > 1 && times[1].After(l.now) {
			until = times[1] // alone at l.now: on to the next time due
		}
		delete(l.waiting, id)
		workflow.SignalExternalWorkflow(ctx, StageWorkflowID(p.in.ProcessID, id), "", signalGrant, until)
	}
	return nil
}
