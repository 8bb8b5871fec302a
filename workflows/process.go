package workflows

import (
	"cmp"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// Process runs a whole process from its template: each stage as a child
// workflow started at its scheduled time on a durable timer, phase after
// phase, while the PGA's office reschedules, adds or cancels stages and
// moves deadlines through validated updates. It returns when every stage
// has ended.
func Process(ctx workflow.Context, in ProcessInput) (ProcessResult, error) {
	p := &processRun{in: in, rec: recorder{processID: in.ProcessID}}
	if in.State != nil {
		p.ProcessState = *in.State
	} else {
		p.ProcessState = initialState(workflow.Now(ctx), in)
	}
	p.clk = clock{Clock: p.Clock}
	p.publish = workflow.GetVersion(ctx, publishedSchedule, workflow.DefaultVersion, 1) == 1
	p.steer = workflow.GetVersion(ctx, steering, workflow.DefaultVersion, 1) == 1
	// The stages' short task timeout shipped with the published schedule:
	// a Process started before it had a version of its own has it exactly
	// when it has that one.
	p.stageTimeout = workflow.GetVersion(ctx, stageTaskTimeout, workflow.DefaultVersion, 1) == 1 || p.publish
	p.steerAccreditation = workflow.GetVersion(ctx, accreditationWindowSteer, workflow.DefaultVersion, 1) == 1
	p.allHandlers = workflow.GetVersion(ctx, allHandlersFinished, workflow.DefaultVersion, 1) == 1
	if workflow.GetVersion(ctx, standingPhase, workflow.DefaultVersion, 1) == 1 {
		// A new process's read model begins in its first phase; a run
		// continued as new writes the phase with its first change, the
		// run before it having perhaps kept it by latestPhase.
		p.standing = true
		if in.State == nil {
			p.phase = p.standingPhase()
		}
	}
	p.children = map[string]workflow.ChildWorkflowFuture{}
	// A simulation faster than the wall runs in lockstep; at the wall's
	// pace its timers keep the order themselves.
	if in.Simulation != nil && p.Clock.Scale > 1 && workflow.GetVersion(ctx, lockstepVersion, workflow.DefaultVersion, 1) == 1 {
		p.startLockstep(ctx, cmp.Or(p.LockstepAt, p.Clock.Origin))
	}
	if err := p.registerHandlers(ctx); err != nil {
		return ProcessResult{}, err
	}
	return p.run(ctx)
}

type processRun struct {
	ProcessState
	in      ProcessInput
	clk     clock
	rec     recorder
	running int  // child workflows in flight
	dirty   bool // the schedule or a stage's status changed: look again
	opening int  // handlers recording a moved opening: no stage starts meanwhile
	publish bool // the store's windows follow every change of the schedule
	steer   bool // the office moves stages that have begun, extends them and changes venues
	// stageTimeout: the stages' workflow tasks time out after
	// WorkflowTaskTimeout, as the Process's own do, not Temporal's 10 s.
	stageTimeout bool
	// steerAccreditation: the office opens, moves and closes a running
	// accreditation stage's window.
	steerAccreditation bool
	// allHandlers: the Process waits for every update handler to finish
	// (workflow.AllHandlersFinished); before, for those counted in busy.
	allHandlers bool
	busy        int // before allHandlersFinished: the handlers changing the schedule
	// standing: the read model's phase is process.Standing's, as the API
	// reads it, written whenever a stage starts, ends or changes; phase
	// is the one last written.
	standing bool
	phase    string
	// children are the running stages' workflows, to tell of a move.
	children map[string]workflow.ChildWorkflowFuture
}

// allHandlersFinished versions the Process that waits for all its update
// handlers before it continues as new or completes, not only for those it
// counted.
const allHandlersFinished = "all-handlers-finished"

// handlersDone reports whether no update handler is in flight, as this
// run's version counts them.
func (p *processRun) handlersDone(ctx workflow.Context) bool {
	if p.allHandlers {
		return workflow.AllHandlersFinished(ctx)
	}
	return p.busy == 0
}

// standingPhase versions the Process that writes its phase to the read
// model by process.Standing, the rule the API shows it by, on every change
// of its stages; before, as the phase of the stage begun latest, and only
// when a stage started, so that a stage moved back into a phase begun
// left the read model's phase disagreeing with the API's.
const standingPhase = "standing-phase"

// publishedSchedule versions the Process workflow that keeps the store's
// windows the exact schedule, so that the intake opens them on time even
// when a stage's workflow starts late.
const publishedSchedule = "published-schedule"

// stageTaskTimeout versions the Process that gives its stages' workflows
// its own short workflow task timeout, apart from the published schedule.
const stageTaskTimeout = "stage-task-timeout"

// recordedAppointments versions the Process that records the template's
// appointments when it starts.
const recordedAppointments = "recorded-appointments"

// datedAppointments versions the Process that records each of the
// template's appointments on its own date in process time, in order among
// the stages, not all at the origin (before the acts that led to them).
const datedAppointments = "dated-appointments"

// chair is who chaired stage id's meeting as the template names them, or
// nil.
func (p *processRun) chair(id string) *Chair {
	t := &p.in.Template
	i := slices.IndexFunc(t.Presiding, func(c process.Presiding) bool { return c.Stage == id && c.Named() })
	held, ok := t.Stage(id)
	if i < 0 || !ok || !runsConsultation(held.Kind) {
		return nil
	}
	return &Chair{Presiding: t.Presiding[i], Day: held.Start}
}

// initialState lays out the template's stages and fixes the clock.
func initialState(now time.Time, in ProcessInput) ProcessState {
	clk := in.Clock
	if clk.Start.IsZero() {
		clk.Start = now
	}
	if clk.Origin.IsZero() {
		clk.Origin = clk.Start
		if clk.Scale > 1 {
			clk.Origin = in.Template.Begins().Add(-24 * time.Hour)
		}
	}
	st := ProcessState{Clock: clk, Appointments: in.Template.Appointments}
	for _, app := range in.Template.Appointments {
		if app.Role == "co-facilitator" {
			st.CoFacilitators = append(st.CoFacilitators, app.State)
		}
	}
	seq := 0
	for _, ph := range in.Template.Phases {
		for _, spec := range ph.Stages {
			seq++
			st.Stages = append(st.Stages, StageState{Phase: ph.ID, Seq: seq, Spec: spec, Status: process.Scheduled})
		}
	}
	return st
}

func (p *processRun) run(ctx workflow.Context) (ProcessResult, error) {
	if p.in.State == nil {
		if err := p.register(ctx); err != nil {
			return ProcessResult{}, err
		}
	}
	for {
		next := p.nextStage()
		if next < 0 && p.running == 0 && len(p.AppointmentsDue) == 0 {
			break
		}
		// An appointment goes before a stage that begins on its date.
		if len(p.AppointmentsDue) > 0 && p.opening == 0 && !p.clk.now(ctx).Before(p.AppointmentsDue[0].Date.Time) {
			// On its date, as a stage on its start, or at the origin if before.
			at := p.AppointmentsDue[0].Date.Time
			if at.Before(p.Clock.Origin) {
				at = p.Clock.Origin
			}
			if err := p.recordTemplateAppointment(ctx, p.AppointmentsDue[0], at); err != nil {
				return ProcessResult{}, err
			}
			p.AppointmentsDue = p.AppointmentsDue[1:]
			continue
		}
		if next >= 0 && p.opening == 0 && !p.clk.now(ctx).Before(p.Stages[next].Spec.Begins()) {
			if err := p.startStage(ctx, next); err != nil {
				return ProcessResult{}, err
			}
			continue
		}
		if p.running == 0 && p.handlersDone(ctx) && workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			in := p.in
			state := p.ProcessState
			if p.clk.step != nil {
				state.LockstepAt = p.clk.step.now
			}
			in.State = &state
			return ProcessResult{}, workflow.NewContinueAsNewError(ctx, Process, in)
		}
		p.dirty = false
		var err error
		due := p.due(next)
		if p.clk.step != nil {
			err = p.lockstepWait(ctx, due)
		} else if !due.IsZero() && p.opening == 0 {
			_, err = p.clk.wait(ctx, due, func() bool { return p.dirty })
		} else {
			err = workflow.Await(ctx, func() bool { return p.dirty })
		}
		if err != nil {
			return ProcessResult{}, err
		}
	}
	if err := workflow.Await(ctx, func() bool { return p.handlersDone(ctx) }); err != nil {
		return ProcessResult{}, err
	}
	if err := p.rec.record(ctx, activities.StageEvent{
		Event: event.ProcessCompleted, At: p.ended(ctx), Status: "completed",
	}, nil); err != nil {
		return ProcessResult{}, err
	}
	return p.result(), nil
}

func (p *processRun) register(ctx workflow.Context) error {
	t := p.in.Template
	rows := make([]process.Stage, len(p.Stages))
	var windows []process.ContributionWindow
	for i, s := range p.Stages {
		rows[i] = stageRow(p.in.ProcessID, s)
		if w := p.windowRow(s); w != nil {
			if !p.publish {
				w.State = process.WindowPending
			}
			windows = append(windows, *w)
		}
	}
	err := workflow.ExecuteActivity(withActivityOptions(ctx), a.RegisterProcess, activities.RegisterInput{
		Process: process.Process{
			ID: p.in.ProcessID, TemplateID: t.ID, Title: t.Title, Code: t.Code,
			Phase: t.Phases[0].ID, Status: "running", CreatedAt: workflow.Now(ctx).UTC(),
		},
		Stages:  rows,
		Windows: windows,
	}).Get(ctx, nil)
	if err != nil {
		return err
	}
	if err := p.rec.record(ctx, activities.StageEvent{Event: event.ProcessCreated, At: p.Clock.Origin}, event.ProcessCreatedData{
		Template: t.ID, Title: t.Title, Mandate: t.Mandate, Stages: len(p.Stages),
		Clock: event.Clock{Origin: p.Clock.Origin, Scale: p.Clock.Scale},
	}); err != nil || !p.steer || workflow.GetVersion(ctx, recordedAppointments, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return err
	}
	if workflow.GetVersion(ctx, datedAppointments, workflow.DefaultVersion, 1) == 1 {
		// Each is a dated act: the run's loop records it on its date.
		p.AppointmentsDue = slices.Clone(p.Appointments)
		slices.SortStableFunc(p.AppointmentsDue, func(x, y process.Appointment) int { return x.Date.Compare(y.Date.Time) })
		return nil
	}
	// Before datedAppointments, the people the template names were
	// recorded as appointed at the process's origin.
	for _, app := range p.Appointments {
		if err := p.recordTemplateAppointment(ctx, app, p.Clock.Origin); err != nil {
			return err
		}
	}
	return nil
}

// recordTemplateAppointment records one of the template's appointments at
// process time at.
func (p *processRun) recordTemplateAppointment(ctx workflow.Context, app process.Appointment, at time.Time) error {
	return p.recordAppointment(ctx, app, at, event.TemplateAppointment{
		Occurrence: app.State, State: app.State, Person: app.Person, Role: app.Role, Date: app.Date.Format(time.DateOnly), Source: app.Source,
	})
}

// due is the process time of what comes next of the Process's own doing:
// the next stage's start (next, -1 for none) or the next template
// appointment, whichever is first; zero for neither.
func (p *processRun) due(next int) time.Time {
	var t time.Time
	if next >= 0 {
		t = p.Stages[next].Spec.Begins()
	}
	if len(p.AppointmentsDue) > 0 && (t.IsZero() || p.AppointmentsDue[0].Date.Before(t)) {
		t = p.AppointmentsDue[0].Date.Time
	}
	return t
}

// nextStage is the scheduled stage that begins first (template order breaks
// ties), or -1.
func (p *processRun) nextStage() int {
	next := -1
	for i, s := range p.Stages {
		if s.Status == process.Scheduled && (next < 0 || s.Spec.Begins().Before(p.Stages[next].Spec.Begins())) {
			next = i
		}
	}
	return next
}

func (p *processRun) startStage(ctx workflow.Context, i int) error {
	s := &p.Stages[i]
	phase := p.latestPhase()
	s.Status = process.Running
	ev := activities.StageEvent{
		StageID: s.Spec.ID, Event: event.StageStarted, At: s.Spec.Begins(),
		Stages: []process.Stage{stageRow(p.in.ProcessID, *s)},
	}
	if p.standing {
		p.phaseMoved(&ev)
	} else if now := p.latestPhase(); now != phase {
		ev.Phase = now
	}
	if err := p.rec.record(ctx, ev, event.StageStartedData{Phase: s.Phase, Kind: string(s.Spec.Kind), Title: s.Spec.Title}); err != nil {
		return err
	}
	in := StageInput{
		ProcessID: p.in.ProcessID, ProcessCode: p.in.Template.Code, Phase: s.Phase, Seq: s.Seq,
		Stage: s.Spec, Clock: p.Clock, Rules: p.in.Template.Rules, Simulation: p.in.Simulation,
		Scheduled: p.publish, Lockstep: p.clk.step != nil,
	}
	if s.Spec.Kind == process.Draft {
		in.Drafting = p.draftingContext(i)
	}
	in.Chair = p.chair(s.Spec.ID)
	opts := workflow.ChildWorkflowOptions{WorkflowID: StageWorkflowID(p.in.ProcessID, s.Spec.ID), TaskQueue: TaskQueue}
	if p.stageTimeout {
		opts.WorkflowTaskTimeout = WorkflowTaskTimeout
	}
	cctx := workflow.WithChildOptions(ctx, opts)
	future := workflow.ExecuteChildWorkflow(cctx, stageWorkflow(s.Spec.Kind), in)
	p.running++
	id := s.Spec.ID
	p.children[id] = future
	workflow.Go(ctx, func(gctx workflow.Context) {
		var res StageResult
		err := future.Get(gctx, &res)
		delete(p.children, id)
		p.stageEnded(gctx, id, res, err)
	})
	return nil
}

// stageEnded records a child's end. Its own failure to record is logged:
// the stage has ended either way and the process goes on.
func (p *processRun) stageEnded(ctx workflow.Context, id string, res StageResult, err error) {
	defer func() { p.running--; p.dirty = true }()
	if l := p.clk.step; l != nil {
		delete(l.waiting, id)
		if res.EndedAt.After(l.now) { // it ran on to the next time due
			l.now = res.EndedAt
		}
	}
	i := p.index(id)
	s := &p.Stages[i]
	ev := activities.StageEvent{StageID: id, At: p.clk.now(ctx)}
	if res.EndedAt.Before(ev.At) && !res.EndedAt.IsZero() {
		ev.At = res.EndedAt
	}
	var data any
	if err != nil {
		s.Status = process.Failed
		ev.Event, data = event.StageFailed, event.StageFailedData{Error: err.Error()}
	} else {
		s.Status, s.Result = process.Completed, &res
		result, rerr := event.Encode(res)
		if rerr != nil {
			workflow.GetLogger(ctx).Error("recording a stage's end failed", "stage", id, "error", rerr)
			return
		}
		ev.Event, data = event.StageCompleted, event.StageCompletedData{Result: result}
	}
	ev.Stages = []process.Stage{stageRow(p.in.ProcessID, *s)}
	p.phaseMoved(&ev)
	if rerr := p.rec.record(ctx, ev, data); rerr != nil {
		workflow.GetLogger(ctx).Error("recording a stage's end failed", "stage", id, "error", rerr)
	}
}

// draftingContext numbers a draft among the draft stages in date order and
// gives it until the next one for amendments.
func (p *processRun) draftingContext(i int) *DraftingContext {
	var drafts []int
	for j, s := range p.Stages {
		if s.Spec.Kind == process.Draft && s.Status != process.Cancelled {
			drafts = append(drafts, j)
		}
	}
	slices.SortStableFunc(drafts, func(x, y int) int { return p.Stages[x].Spec.Start.Compare(p.Stages[y].Spec.Start.Time) })
	k := slices.Index(drafts, i)
	dc := &DraftingContext{Revision: k, Final: k == len(drafts)-1}
	if k > 0 {
		dc.Previous = p.Stages[drafts[k-1]].Spec.ID
	}
	dc.AmendUntil = p.Stages[i].Spec.Finish()
	if !dc.Final {
		if next := p.Stages[drafts[k+1]].Spec.Start.Time; next.After(dc.AmendUntil) {
			dc.AmendUntil = next
		}
	}
	return dc
}

func stageWorkflow(kind process.StageKind) any {
	switch {
	case kind == process.AccreditationWindow:
		return Accreditation
	case runsConsultation(kind):
		return Consultation
	case kind == process.Draft:
		return DraftingRound
	case kind == process.Conference:
		return Conference
	case kind == process.Endorsement:
		return Endorsement
	case kind == process.Silence:
		// No history holds a silence stage that ran as a milestone: the
		// kind did not exist, and the Process refuses unknown kinds.
		return Silence
	default:
		return Milestone
	}
}

// runsConsultation reports whether a stage of kind k runs as a Consultation.
func runsConsultation(k process.StageKind) bool {
	return k.Consultative() || k == process.NegotiationRound
}

// WindowUpdate names the update that moves a stage's window as the stage
// stands, and the workflow that takes it: the Process's UpdateMoveDeadline
// before the stage runs, and while an accreditation stage runs; the
// stage's own UpdateSetDeadline while a Consultation runs (its window) or
// a DraftingRound (its amendments'); none ("") otherwise.
func WindowUpdate(sg process.Stage) (workflowID, update string) {
	switch {
	case sg.Status == process.Scheduled, sg.Status == process.Running && sg.Spec.Kind == process.AccreditationWindow:
		return ProcessWorkflowID(sg.ProcessID), UpdateMoveDeadline
	case sg.Status == process.Running && (runsConsultation(sg.Spec.Kind) || sg.Spec.Kind == process.Draft):
		return StageWorkflowID(sg.ProcessID, sg.Spec.ID), UpdateSetDeadline
	}
	return "", ""
}

// latestPhase is the phase of the latest stage started: the read model's
// phase before standingPhase.
func (p *processRun) latestPhase() string {
	phase, latest := p.in.Template.Phases[0].ID, time.Time{}
	for _, s := range p.Stages {
		if s.Status != process.Scheduled && s.Status != process.Cancelled && !s.Spec.Begins().Before(latest) {
			phase, latest = s.Phase, s.Spec.Begins()
		}
	}
	return phase
}

// currentPhase is the phase as this run writes it to the read model.
func (p *processRun) currentPhase() string {
	if p.standing {
		return p.standingPhase()
	}
	return p.latestPhase()
}

// standingPhase is the process's phase by process.Standing over its
// stages, as the API reads it from the read model's rows.
func (p *processRun) standingPhase() string {
	rows := make([]process.Stage, len(p.Stages))
	for i, s := range p.Stages {
		rows[i] = stageRow(p.in.ProcessID, s)
	}
	phase, _ := process.Standing(rows, p.in.Template.Phases[0].ID)
	return phase
}

// phaseMoved sets ev to write the phase, in a run that writes it by
// standingPhase, when the stages as they now stand have moved it.
func (p *processRun) phaseMoved(ev *activities.StageEvent) {
	if !p.standing {
		return
	}
	if now := p.standingPhase(); now != p.phase {
		ev.Phase, p.phase = now, now
	}
}

func (p *processRun) index(id string) int {
	return slices.IndexFunc(p.Stages, func(s StageState) bool { return s.Spec.ID == id })
}

func (p *processRun) status(ctx workflow.Context) ProcessStatus {
	now := p.clk.now(ctx)
	st := ProcessStatus{
		ProcessID: p.in.ProcessID, Title: p.in.Template.Title, Now: now, Clock: p.Clock,
		Phase: p.currentPhase(), Stages: p.Stages, Changes: p.Changes, Current: []string{},
	}
	st.Appointments, st.CoFacilitators = p.appointedBy(now)
	for _, s := range p.Stages {
		if s.Status == process.Running {
			st.Current = append(st.Current, s.Spec.ID)
		}
	}
	if next := p.nextStage(); next >= 0 {
		st.Next = p.Stages[next].Spec.ID
	}
	st.Done = st.Next == "" && len(st.Current) == 0
	return st
}

// appointedBy are the appointments in effect at process time now and the
// States co-facilitating then: an appointment counts from its date, not
// from the process's start (the template's) nor from when the office
// announced it.
func (p *processRun) appointedBy(now time.Time) ([]process.Appointment, []string) {
	apps := []process.Appointment{}
	later := map[string]bool{} // co-facilitators appointed after now only
	for _, a := range p.Appointments {
		if a.Date.After(now) {
			later[a.State] = later[a.State] || a.Role == "co-facilitator"
			continue
		}
		apps = append(apps, a)
	}
	for _, a := range apps {
		if a.Role == "co-facilitator" {
			delete(later, a.State)
		}
	}
	// A State appointed before steering has no dated appointment: it counts.
	states := []string{}
	for _, s := range p.CoFacilitators {
		if !later[s] {
			states = append(states, s)
		}
	}
	return apps, states
}

// ended is when the last stage ended, as scheduled, or now if earlier.
func (p *processRun) ended(ctx workflow.Context) time.Time {
	var last time.Time
	for _, s := range p.Stages {
		if s.Result != nil && s.Result.EndedAt.After(last) {
			last = s.Result.EndedAt
		}
	}
	if now := p.clk.now(ctx); last.IsZero() || now.Before(last) {
		return now
	}
	return last
}

func (p *processRun) result() ProcessResult {
	res := ProcessResult{ProcessID: p.in.ProcessID, Stages: map[string]*StageResult{}}
	for _, s := range p.Stages {
		res.Stages[s.Spec.ID] = s.Result
		if s.Result != nil && s.Result.Outcome != nil {
			res.Outcome = s.Result.Outcome
		}
	}
	return res
}

// windowRow is the intake's window of a stage as scheduled: cancelled with
// its stage; nil when the stage has none.
func (p *processRun) windowRow(s StageState) *process.ContributionWindow {
	w := s.Spec.Window
	if w == nil {
		return nil
	}
	state := process.WindowScheduled
	if s.Status == process.Cancelled {
		state = process.WindowCancelled
	}
	return &process.ContributionWindow{
		ProcessID: p.in.ProcessID, StageID: s.Spec.ID, Code: s.Spec.Code, State: state,
		OpensAt: p.Clock.Wall(w.Opens.Time), ClosesAt: p.Clock.Wall(w.Closes.Time),
		Public: s.Spec.Kind.Consultative(), Purpose: windowPurpose(s.Spec.Kind),
	}
}

// windowPurpose is what a stage's template window takes.
func windowPurpose(kind process.StageKind) process.WindowPurpose {
	if kind == process.AccreditationWindow {
		return process.ForApplications
	}
	return process.ForContributions
}
