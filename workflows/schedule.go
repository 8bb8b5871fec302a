package workflows

import (
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// The PGA office's schedule changes. Each validator refuses an invalid
// change with its reason before anything is written; each handler changes
// the schedule, then records the change.

func (p *processRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (ProcessStatus, error) {
		return p.status(ctx), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryTemplate, func() (process.Template, error) {
		return p.in.Template, nil
	}); err != nil {
		return err
	}
	if err := setUpdate(ctx, UpdateReschedule, p.reschedule, p.validateReschedule); err != nil {
		return err
	}
	if err := setUpdate(ctx, UpdateAddStage, p.addStage, p.validateAddStage); err != nil {
		return err
	}
	if err := setUpdate(ctx, UpdateCancelStage, p.cancelStage, p.validateCancelStage); err != nil {
		return err
	}
	if err := setUpdate(ctx, UpdateAppoint, p.appoint, p.validateAppoint); err != nil {
		return err
	}
	if err := p.registerSteering(ctx); err != nil {
		return err
	}
	return setUpdate(ctx, UpdateMoveDeadline, p.moveDeadline, p.validateMoveDeadline)
}

// scheduled finds a stage that has not started and whose window has not
// opened by the schedule, or says why not.
func (p *processRun) scheduled(ctx workflow.Context, op, id string) (*StageState, error) {
	i := p.index(id)
	if i < 0 {
		return nil, process.Errorf(op, process.NotFound, "no stage %q", id)
	}
	s := &p.Stages[i]
	if s.Status != process.Scheduled {
		return nil, process.Errorf(op, process.Conflict, "stage %s is %s: only a scheduled stage can change", id, s.Status)
	}
	// The intake takes contributions from the scheduled opening on, even
	// before the stage's workflow starts.
	if w := s.Spec.Window; p.publish && w != nil && !p.clk.now(ctx).Before(w.Opens.Time) {
		return nil, process.Errorf(op, process.Conflict, "stage %s's window has taken contributions since %s: it can no longer change",
			id, w.Opens.Format(time.RFC3339))
	}
	return s, nil
}

func (p *processRun) validateReschedule(ctx workflow.Context, req RescheduleRequest) error {
	const op = "workflows.Reschedule"
	s, err := p.scheduled(ctx, op, req.StageID)
	if err != nil {
		return err
	}
	moved := rescheduled(s.Spec, req)
	if err := moved.Validate(); err != nil {
		return process.E(op, process.Rule, err)
	}
	return checkUpcoming(op, p.clk.now(ctx), moved)
}

// checkUpcoming refuses a stage that has not begun whose start or window
// opening would be in the past, naming which.
func checkUpcoming(op string, now time.Time, spec process.StageSpec) error {
	loc := spec.Location()
	switch {
	case spec.Start.Before(now):
		return inThePast(op, "stage "+spec.ID+"'s start", process.FormatInstant(spec.Start.Time, loc), now, loc)
	case spec.Window != nil && spec.Window.Opens.Before(now):
		return inThePast(op, "stage "+spec.ID+"'s window opening", process.FormatInstant(spec.Window.Opens.Time, loc), now, loc)
	}
	return nil
}

// inThePast refuses a time, shown as at, that would not be in the future.
// Now is shown to the minute in the venue's zone too, so that a refusal
// the same day never reads as a date refused against itself.
func inThePast(op, what, at string, now time.Time, loc *time.Location) error {
	return process.Errorf(op, process.Rule, "%s would be %s, in the past (it is now %s)", what, at, process.FormatInstant(now, loc))
}

// rescheduled moves a stage to new dates; its window moves with it.
func rescheduled(spec process.StageSpec, req RescheduleRequest) process.StageSpec {
	shift := req.Start.Sub(spec.Start.Time)
	spec.Start, spec.End = req.Start, req.End
	if spec.Window != nil {
		w := *spec.Window
		w.Opens.Time, w.Closes.Time = w.Opens.Add(shift), w.Closes.Add(shift)
		spec.Window = &w
	}
	return spec
}

func (p *processRun) reschedule(ctx workflow.Context, req RescheduleRequest) (StageState, error) {
	s := &p.Stages[p.index(req.StageID)]
	from := s.Spec.Start.Format(time.DateOnly)
	s.Spec, s.Moved = rescheduled(s.Spec, req), true
	return *s, p.changed(ctx, change{kind: event.StageRescheduled, stage: *s, reason: req.Reason, by: req.By, from: from, to: s.Spec.Start.Format(time.DateOnly), setAside: req.SetAside})
}

func (p *processRun) validateAddStage(ctx workflow.Context, req AddStageRequest) error {
	const op = "workflows.AddStage"
	if !p.hasPhase(req.Phase) {
		return process.Errorf(op, process.NotFound, "no phase %q", req.Phase)
	}
	if p.index(req.Stage.ID) >= 0 {
		return process.Errorf(op, process.Conflict, "stage %q exists already", req.Stage.ID)
	}
	if err := req.Stage.Validate(); err != nil {
		return err
	}
	return checkUpcoming(op, p.clk.now(ctx), req.Stage)
}

func (p *processRun) hasPhase(id string) bool {
	for _, ph := range p.in.Template.Phases {
		if ph.ID == id {
			return true
		}
	}
	return false
}

func (p *processRun) addStage(ctx workflow.Context, req AddStageRequest) (StageState, error) {
	s := StageState{Phase: req.Phase, Seq: len(p.Stages) + 1, Spec: req.Stage, Status: process.Scheduled}
	p.Stages = append(p.Stages, s)
	return s, p.changed(ctx, change{kind: event.StageAdded, stage: s, reason: req.Reason, by: req.By, to: s.Spec.Start.Format(time.DateOnly), setAside: req.SetAside})
}

func (p *processRun) cancelStage(ctx workflow.Context, req CancelStageRequest) (StageState, error) {
	s := &p.Stages[p.index(req.StageID)]
	s.Status = process.Cancelled
	return *s, p.changed(ctx, change{kind: event.StageCancelled, stage: *s, reason: req.Reason, by: req.By})
}

func (p *processRun) validateMoveDeadline(ctx workflow.Context, req MoveDeadlineRequest) error {
	const op = "workflows.MoveDeadline"
	i := p.index(req.StageID)
	if i >= 0 && p.Stages[i].Status == process.Running {
		if p.steerAccreditation && p.Stages[i].Spec.Kind == process.AccreditationWindow {
			return p.validateSteerAccreditation(ctx, p.Stages[i], req)
		}
		return process.Errorf(op, process.Conflict,
			"stage %s is running: move its open window with the stage's own %s update", req.StageID, UpdateSetDeadline)
	}
	s, err := p.scheduled(ctx, op, req.StageID)
	if err != nil {
		return err
	}
	if req.Close {
		return process.Errorf(op, process.Conflict, "stage %s has not started: its window cannot close now", req.StageID)
	}
	if s.Spec.Window == nil {
		return process.Errorf(op, process.Conflict, "stage %s has no contribution window", req.StageID)
	}
	now, loc := p.clk.now(ctx), s.Spec.Location()
	switch {
	case req.Open && !req.Opens.IsZero():
		return process.Errorf(op, process.Invalid, "give a new opening or open the window now, not both")
	case !req.Open && req.Opens.IsZero() && req.Closes.IsZero():
		return process.Errorf(op, process.Invalid, "give a new opening, a new deadline, or open the window now")
	case !req.Opens.IsZero() && !req.Opens.After(now):
		return process.Errorf(op, process.Rule, "stage %s's window opening would be %s, in the past (it is now %s): open the window now instead",
			req.StageID, process.FormatInstant(req.Opens.Time, loc), process.FormatInstant(now, loc))
	}
	w := movedWindow(*s.Spec.Window, req, now)
	if !req.Closes.IsZero() && !req.Closes.After(now) {
		return inThePast(op, "stage "+req.StageID+"'s deadline", process.FormatDeadline(req.Closes.Time, loc), now, loc)
	}
	if !w.Closes.After(w.Opens.Time) {
		return process.Errorf(op, process.Rule, "stage %s's deadline %s would not be after its window's opening %s",
			req.StageID, process.FormatDeadline(w.Closes.Time, loc), process.FormatInstant(w.Opens.Time, loc))
	}
	// Contributions inform the session: its window opens by its start.
	if (req.Open || !req.Opens.IsZero()) && w.Opens.After(s.Spec.Start.Time) {
		return process.Errorf(op, process.Rule, "the window would open %s, after stage %s starts (%s)",
			w.Opens.Format(time.RFC3339), req.StageID, s.Spec.Start.Format(time.RFC3339))
	}
	return nil
}

// movedWindow is a window with the request's opening and close, now for an
// opening or a close now.
func movedWindow(w process.Window, req MoveDeadlineRequest, now time.Time) process.Window {
	switch {
	case req.Open:
		w.Opens = process.Date{Time: now}
	case !req.Opens.IsZero():
		w.Opens = req.Opens
	}
	switch {
	case req.Close:
		w.Closes = process.Date{Time: now}
	case !req.Closes.IsZero():
		w.Closes = req.Closes
	}
	return w
}

// accreditationWindowSteer versions the Process in which the office opens
// a running accreditation stage's window early, moves it or closes it
// early, and the Accreditation workflow that follows.
const accreditationWindowSteer = "accreditation-window-steer"

// validateSteerAccreditation checks a change to a running accreditation
// stage's window: an opening that has not come, a close that has not
// passed, with the reason shown on the public list of schedule changes.
func (p *processRun) validateSteerAccreditation(ctx workflow.Context, s StageState, req MoveDeadlineRequest) error {
	const op = "workflows.MoveDeadline"
	if s.Spec.Window == nil {
		return process.Errorf(op, process.Conflict, "stage %s has no window of its own: it takes applications while it runs", s.Spec.ID)
	}
	now, loc := p.clk.now(ctx), s.Spec.Location()
	w := *s.Spec.Window
	opening := req.Open || !req.Opens.IsZero()
	switch {
	case req.Open && !req.Opens.IsZero():
		return process.Errorf(op, process.Invalid, "give a new opening or open the window now, not both")
	case req.Close && !req.Closes.IsZero():
		return process.Errorf(op, process.Invalid, "give a new deadline or close the window now, not both")
	case req.Close && opening:
		return process.Errorf(op, process.Invalid, "a window cannot open and close at once")
	case !opening && !req.Close && req.Closes.IsZero():
		return process.Errorf(op, process.Invalid, "give a new opening, a new deadline, or open or close the window now")
	case !now.Before(w.Closes.Time):
		return process.Errorf(op, process.Conflict, "stage %s's accreditation window closed at %s", s.Spec.ID, process.FormatDeadline(w.Closes.Time, loc))
	case opening && !now.Before(w.Opens.Time):
		return process.Errorf(op, process.Conflict, "stage %s's accreditation window opened at %s", s.Spec.ID, process.FormatInstant(w.Opens.Time, loc))
	case req.Close && now.Before(w.Opens.Time):
		return process.Errorf(op, process.Conflict, "stage %s's accreditation window has not opened (it opens %s): move its opening or its deadline instead",
			s.Spec.ID, process.FormatInstant(w.Opens.Time, loc))
	case strings.TrimSpace(req.Reason) == "":
		return process.Errorf(op, process.Invalid, "reason is required: it is shown on the public list of schedule changes")
	case !req.Opens.IsZero() && !req.Opens.After(now):
		return process.Errorf(op, process.Rule, "stage %s's window opening would be %s, in the past (it is now %s): open the window now instead",
			s.Spec.ID, process.FormatInstant(req.Opens.Time, loc), process.FormatInstant(now, loc))
	case !req.Closes.IsZero() && !req.Closes.After(now):
		return process.Errorf(op, process.Rule, "stage %s's deadline would be %s, in the past (it is now %s): close the window now instead",
			s.Spec.ID, process.FormatDeadline(req.Closes.Time, loc), process.FormatInstant(now, loc))
	}
	if moved := movedWindow(w, req, now); !moved.Closes.After(moved.Opens.Time) {
		return process.Errorf(op, process.Rule, "stage %s's deadline %s would not be after its window's opening %s",
			s.Spec.ID, process.FormatDeadline(moved.Closes.Time, loc), process.FormatInstant(moved.Opens.Time, loc))
	}
	return nil
}

// moveDeadline records a moved opening and a moved close as a change each.
// A stage whose opening moved starts only once both are recorded, so that
// its start cannot overtake the stage's and the window's rows as scheduled.
func (p *processRun) moveDeadline(ctx workflow.Context, req MoveDeadlineRequest) (StageState, error) {
	s := &p.Stages[p.index(req.StageID)]
	if s.Status == process.Running {
		return p.steerAccreditationWindow(ctx, req)
	}
	old := *s.Spec.Window
	w := movedWindow(old, req, p.clk.now(ctx))
	s.Spec.Window, s.Moved = &w, true
	if req.Open || !req.Opens.IsZero() {
		p.opening++
		defer func() { p.opening--; p.dirty = true }()
		if err := p.changed(ctx, change{kind: event.OpeningMoved, stage: *s, reason: req.Reason, by: req.By,
			from: old.Opens.Format(time.RFC3339), to: w.Opens.Format(time.RFC3339), data: zoneData(s.Spec)}); err != nil {
			return *s, err
		}
	}
	if !req.Closes.IsZero() {
		return *s, p.changed(ctx, change{kind: event.DeadlineMoved, stage: *s, reason: req.Reason, by: req.By,
			from: old.Closes.Format(time.RFC3339), to: w.Closes.Format(time.RFC3339), data: zoneData(s.Spec)})
	}
	return *s, nil
}

// steerAccreditationWindow opens, moves or closes a running accreditation
// stage's window. The change is recorded first, with the window's new
// times, which the intake follows at once; then the stage's workflow is
// told, and follows.
func (p *processRun) steerAccreditationWindow(ctx workflow.Context, req MoveDeadlineRequest) (StageState, error) {
	i := p.index(req.StageID)
	old := *p.Stages[i].Spec.Window
	w := movedWindow(old, req, p.clk.now(ctx))
	p.Stages[i].Spec.Window, p.Stages[i].Moved = &w, true
	if req.Open || !req.Opens.IsZero() {
		if err := p.changed(ctx, change{kind: event.OpeningMoved, stage: p.Stages[i], reason: req.Reason, by: req.By, publish: true,
			from: old.Opens.Format(time.RFC3339), to: w.Opens.Format(time.RFC3339), data: zoneData(p.Stages[i].Spec)}); err != nil {
			return p.Stages[i], err
		}
	}
	if req.Close || !req.Closes.IsZero() {
		if err := p.changed(ctx, change{kind: event.DeadlineMoved, stage: p.Stages[i], reason: req.Reason, by: req.By, publish: true,
			from: old.Closes.Format(time.RFC3339), to: w.Closes.Format(time.RFC3339), data: zoneData(p.Stages[i].Spec)}); err != nil {
			return p.Stages[i], err
		}
	}
	return p.Stages[i], p.tell(ctx, req.StageID, StageMove{Spec: p.Stages[i].Spec})
}

// zoneData names a stage's venue time zone, in which messages show its
// deadlines.
func zoneData(spec process.StageSpec) event.ScheduleChange {
	return event.ScheduleChange{TimeZone: spec.Location().String()}
}

// change is one change to the schedule, for the record: its event, the
// stage as it now stands, who made it and why, what it was and is.
type change struct {
	kind       event.Name
	stage      StageState
	reason, by string
	from, to   string
	data       event.ScheduleChange // more of what changed
	publish    bool                 // publish the window of a running stage too
	setAside   *event.ModalityOverriddenData
}

// overrideInAct versions the workflows that record a rule of the
// modalities set aside for an act (a schedule change, a circulation, an
// appointment, a draft's publication) with the act, by the same activity, where before the API
// recorded it after the act, and could fail to.
const overrideInAct = "override-in-act"

// setAsideWith is the record entry of the rule o the office set aside for
// an act at process time at, which occurrence names: recorded with the
// act's own entry (activities.StageEvent's Also). None when no rule was
// set aside, or in a run from before overrideInAct.
func setAsideWith(ctx workflow.Context, o *event.ModalityOverriddenData, at time.Time, occurrence string) ([]process.RecordEvent, error) {
	if o == nil || workflow.GetVersion(ctx, overrideInAct, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil, nil
	}
	data, err := event.Encode(*o)
	if err != nil {
		return nil, err
	}
	return []process.RecordEvent{{StageID: o.Stage, Event: string(event.ModalityOverridden), At: at,
		Key: event.OverrideKey(*o, occurrence), Data: string(data)}}, nil
}

// changed wakes the scheduler, keeps the change in the schedule's history
// and records it with the stage's new row and, unless its own workflow
// publishes it, its window as now scheduled.
// The intake follows the schedule once that record is written: a change
// accepted just before its window's old opening and held up (a crash loses
// the activity until its timeout) can leave the old times in force.
func (p *processRun) changed(ctx workflow.Context, ch change) error {
	p.busy++
	defer func() { p.busy-- }()
	p.dirty = true
	now := p.clk.now(ctx)
	s := ch.stage
	p.Changes = append(p.Changes, ScheduleChange{At: now, Kind: string(ch.kind), StageID: s.Spec.ID, Reason: ch.reason, From: ch.from, To: ch.to, By: ch.by})
	data := ch.data
	data.Sequence, data.Reason, data.From, data.To, data.By = len(p.Changes), ch.reason, ch.from, ch.to, ch.by
	ev := activities.StageEvent{
		StageID: s.Spec.ID, Event: ch.kind, At: now, Stages: []process.Stage{stageRow(p.in.ProcessID, s)},
	}
	if w := p.windowRow(s); p.publish && w != nil && (s.Status != process.Running || ch.publish) {
		ev.Windows = []process.ContributionWindow{*w}
	}
	var err error
	if ev.Also, err = setAsideWith(ctx, ch.setAside, now, "change-"+strconv.Itoa(data.Sequence)); err != nil {
		return err
	}
	p.phaseMoved(&ev)
	return p.rec.record(ctx, ev, data)
}
