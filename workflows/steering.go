package workflows

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// steering versions the Process in which the office moves, extends or ends
// a stage that has not ended (its window open or not), changes its venue,
// names the people it appoints and gives a reason for every cancellation;
// and the stage workflows that follow such a move.
const steering = "steering"

func (p *processRun) registerSteering(ctx workflow.Context) error {
	if err := setUpdate(ctx, UpdateMoveStage, p.moveStage, p.validateMoveStage); err != nil {
		return err
	}
	if err := setUpdate(ctx, UpdateExtendStage, p.extendStage, p.validateExtendStage); err != nil {
		return err
	}
	return setUpdate(ctx, UpdateSetVenue, p.setVenue, p.validateSetVenue)
}

// unended finds a stage the office may still change: scheduled, or running
// in a workflow that follows moves (a session or a round) and not over.
func (p *processRun) unended(ctx workflow.Context, op, id, reason string) (*StageState, error) {
	if !p.steer {
		return nil, process.Errorf(op, process.Conflict, "this process started before the office could steer its stages: reschedule a stage that has not started instead")
	}
	if strings.TrimSpace(reason) == "" {
		return nil, process.Errorf(op, process.Invalid, "reason is required: it is shown on the public list of schedule changes")
	}
	i := p.index(id)
	if i < 0 {
		return nil, process.Errorf(op, process.NotFound, "no stage %q", id)
	}
	s := &p.Stages[i]
	switch {
	case s.Status == process.Running && !s.Spec.Kind.Steerable():
		return nil, process.Errorf(op, process.Conflict, "stage %s is a running %s: only sessions and rounds change once they have begun", id, s.Spec.Kind)
	case s.Status == process.Running && !p.clk.now(ctx).Before(s.Spec.Finish()):
		return nil, process.Errorf(op, process.Conflict, "stage %s ended at %s: a stage that has ended cannot change",
			id, process.FormatDeadline(s.Spec.Finish(), s.Spec.Location()))
	case s.Status != process.Running && s.Status != process.Scheduled:
		return nil, process.Errorf(op, process.Conflict, "stage %s is %s: only a stage that has not ended can change", id, s.Status)
	}
	return s, nil
}

// restaged is a stage with new dates: its window, when it has one, moves as
// far as its start, the opening only if it has not come and the deadline
// only if it has not passed, so that what it received stays.
func restaged(spec process.StageSpec, start, end process.Date, now time.Time) process.StageSpec {
	shift := start.Sub(spec.Start.Time)
	spec.Start, spec.End = start, end
	if w := spec.Window; w != nil {
		moved := *w
		if now.Before(w.Opens.Time) {
			moved.Opens.Time = w.Opens.Add(shift)
		}
		if now.Before(w.Closes.Time) {
			moved.Closes.Time = w.Closes.Add(shift)
		}
		spec.Window = &moved
	}
	return spec
}

// checkRestaged says why a stage cannot take its new spec, or nil.
func checkRestaged(op string, now time.Time, s StageState, spec process.StageSpec) error {
	began := s.Status == process.Running && !now.Before(s.Spec.Start.Time)
	loc := spec.Location()
	switch {
	case began && !spec.Start.Equal(s.Spec.Start.Time):
		return process.Errorf(op, process.Rule, "stage %s began on %s: only its end can move (extend it or end it now)",
			s.Spec.ID, s.Spec.Start.Format(time.DateOnly))
	case !began && spec.Start.Before(now):
		return inThePast(op, "stage "+s.Spec.ID+"'s start", process.FormatInstant(spec.Start.Time, loc), now, loc)
	case spec.Finish().Before(now):
		return inThePast(op, "stage "+s.Spec.ID+"'s end", process.FormatDeadline(spec.Finish(), loc), now, loc)
	}
	if w, old := spec.Window, s.Spec.Window; w != nil && old != nil {
		switch {
		case now.Before(old.Opens.Time) && w.Opens.Before(now):
			return inThePast(op, "stage "+s.Spec.ID+"'s window opening", process.FormatInstant(w.Opens.Time, loc), now, loc)
		case now.Before(old.Closes.Time) && !w.Closes.After(now):
			return inThePast(op, "stage "+s.Spec.ID+"'s deadline", process.FormatDeadline(w.Closes.Time, loc), now, loc)
		}
	}
	if err := spec.Validate(); err != nil {
		return process.E(op, process.Rule, err)
	}
	return nil
}

func (p *processRun) validateMoveStage(ctx workflow.Context, req MoveStageRequest) error {
	const op = "workflows.MoveStage"
	s, err := p.unended(ctx, op, req.StageID, req.Reason)
	if err != nil {
		return err
	}
	if req.Start.IsZero() {
		return process.Errorf(op, process.Invalid, "start is required: the stage's new first day")
	}
	now := p.clk.now(ctx)
	return checkRestaged(op, now, *s, restaged(s.Spec, req.Start, movedEnd(s.Spec, req), now))
}

// movedEnd is the request's end, or one that keeps the stage as long.
func movedEnd(spec process.StageSpec, req MoveStageRequest) process.Date {
	if !req.End.IsZero() || spec.End.IsZero() {
		return req.End
	}
	return process.Date{Time: spec.End.Add(req.Start.Sub(spec.Start.Time))}
}

func (p *processRun) moveStage(ctx workflow.Context, req MoveStageRequest) (StageState, error) {
	s := p.Stages[p.index(req.StageID)]
	return p.restage(ctx, s, restaged(s.Spec, req.Start, movedEnd(s.Spec, req), p.clk.now(ctx)), req.Reason, req.By, req.SetAside)
}

func (p *processRun) validateExtendStage(ctx workflow.Context, req ExtendStageRequest) error {
	const op = "workflows.ExtendStage"
	s, err := p.unended(ctx, op, req.StageID, req.Reason)
	if err != nil {
		return err
	}
	now := p.clk.now(ctx)
	switch {
	case req.EndNow && req.Days != 0:
		return process.Errorf(op, process.Invalid, "give days or endNow, not both")
	case !req.EndNow && req.Days == 0:
		return process.Errorf(op, process.Invalid, "give days to extend by (negative to shorten), or endNow")
	case req.EndNow && (s.Status != process.Running || now.Before(s.Spec.Start.Time)):
		return process.Errorf(op, process.Conflict, "stage %s has not begun: move or cancel it instead of ending it", req.StageID)
	}
	return checkRestaged(op, now, *s, extended(s.Spec, req, now))
}

// extended is a stage lengthened by days, or ending now.
func extended(spec process.StageSpec, req ExtendStageRequest, now time.Time) process.StageSpec {
	if req.EndNow {
		spec.End = process.LastDayEndingAt(now)
		return spec
	}
	last := cmp.Or(spec.End, spec.Start)
	spec.End = process.Date{Time: last.AddDate(0, 0, req.Days)}
	return spec
}

func (p *processRun) extendStage(ctx workflow.Context, req ExtendStageRequest) (StageState, error) {
	s := p.Stages[p.index(req.StageID)]
	return p.restage(ctx, s, extended(s.Spec, req, p.clk.now(ctx)), req.Reason, req.By, req.SetAside)
}

func (p *processRun) validateSetVenue(ctx workflow.Context, req SetVenueRequest) error {
	const op = "workflows.SetVenue"
	if _, err := p.unended(ctx, op, req.StageID, req.Reason); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(req.Place) == "":
		return process.Errorf(op, process.Invalid, "place is required, e.g. Vienna")
	case req.TimeZone == "":
		return process.Errorf(op, process.Invalid, "timeZone is required: the venue's IANA time zone, e.g. Europe/Vienna")
	}
	_, err := process.Zone(req.TimeZone)
	return err
}

func (p *processRun) setVenue(ctx workflow.Context, req SetVenueRequest) (StageState, error) {
	s := p.Stages[p.index(req.StageID)]
	from := venue(s.Spec)
	spec := s.Spec
	spec.Place, spec.TimeZone = req.Place, req.TimeZone
	return p.moved(ctx, s, spec, 0, change{kind: event.VenueChanged, reason: req.Reason, by: req.By, from: from, to: venue(spec),
		data: event.ScheduleChange{Place: spec.Place, TimeZone: spec.Location().String(), FromTimeZone: s.Spec.Location().String()}})
}

func venue(spec process.StageSpec) string {
	return spec.Place + " (" + spec.Location().String() + ")"
}

// restage gives a stage new dates and records them as rescheduled: from
// and to are its first days, as readers of the record expect, with its
// last days and its window's new times beside them.
func (p *processRun) restage(ctx workflow.Context, s StageState, spec process.StageSpec, reason, by string, setAside *event.ModalityOverriddenData) (StageState, error) {
	data := zoneData(spec)
	data.FromLast, data.ToLast = lastDay(s.Spec), lastDay(spec)
	if w := spec.Window; w != nil {
		opens, closes := w.Opens.Time, w.Closes.Time
		data.Opens, data.Closes = &opens, &closes
	}
	return p.moved(ctx, s, spec, spec.Start.Sub(s.Spec.Start.Time), change{kind: event.StageRescheduled, reason: reason, by: by,
		from: s.Spec.Start.Format(time.DateOnly), to: spec.Start.Format(time.DateOnly), data: data, setAside: setAside})
}

// lastDay is the day a stage ends on.
func lastDay(spec process.StageSpec) string {
	return spec.Finish().Add(-time.Nanosecond).Format(time.DateOnly)
}

// moved puts a stage's new spec in force: a running stage's workflow is told
// first, so that its timers follow (if it cannot be told, as when it has
// just ended, nothing changes); then each running draft whose amendments
// close when the next revision is due; then the change is recorded, once.
func (p *processRun) moved(ctx workflow.Context, s StageState, spec process.StageSpec, shift time.Duration, ch change) (StageState, error) {
	p.busy++
	defer func() { p.busy-- }()
	if s.Status == process.Running {
		if err := p.tell(ctx, s.Spec.ID, StageMove{Spec: spec, Shift: shift}); err != nil {
			return s, err
		}
	}
	i := p.index(s.Spec.ID)
	due := p.amendmentsDue()
	p.Stages[i].Spec, p.Stages[i].Moved = spec, true
	for _, dd := range due {
		if d := p.draftingContext(dd.stage).AmendUntil.Sub(dd.until); d != 0 && dd.until.After(p.clk.now(ctx)) {
			// A draft that cannot follow keeps its deadline, which the
			// office can still move with the draft's own window.
			if err := p.tell(ctx, p.Stages[dd.stage].Spec.ID, StageMove{Spec: p.Stages[dd.stage].Spec, Shift: d}); err != nil {
				workflow.GetLogger(ctx).Warn("a draft's amendments did not follow the next revision", "stage", p.Stages[dd.stage].Spec.ID, "error", err)
			}
		}
	}
	ch.stage = p.Stages[i]
	return p.Stages[i], p.changed(ctx, ch)
}

// amendmentsDue is when each running draft's amendments close by the
// schedule, in the stages' order.
func (p *processRun) amendmentsDue() []draftDue {
	var due []draftDue
	for j, d := range p.Stages {
		if d.Spec.Kind == process.Draft && d.Status == process.Running {
			if dc := p.draftingContext(j); !dc.Final {
				due = append(due, draftDue{j, dc.AmendUntil})
			}
		}
	}
	return due
}

type draftDue struct {
	stage int
	until time.Time
}

// tell signals a running stage's workflow that its stage moved.
func (p *processRun) tell(ctx workflow.Context, id string, mv StageMove) error {
	child, ok := p.children[id]
	if !ok {
		return process.Errorf("workflows.tell", process.Conflict, "stage %s has no running workflow to follow the move", id)
	}
	return child.SignalChildWorkflow(ctx, SignalStageMoved, mv).Get(ctx, nil)
}

// followMoves applies the Process's moves of a running stage: its spec for
// the session's steps, and its window's times, published to the intake.
func followMoves(ctx workflow.Context, s *stage, w *window, code string) {
	moves := workflow.GetSignalChannel(ctx, SignalStageMoved)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var mv StageMove
			moves.Receive(ctx, &mv)
			s.in.Stage = mv.Spec
			if err := shiftWindow(ctx, s, w, code, mv.Shift); err != nil {
				workflow.GetLogger(ctx).Error("moving a stage's window failed", "stage", mv.Spec.ID, "error", err)
			}
			w.moved = true
		}
	})
}

// shiftWindow moves a window by d: its opening if it has not come, its
// deadline if it has not passed.
func shiftWindow(ctx workflow.Context, s *stage, w *window, code string, d time.Duration) error {
	if !w.has() || w.sealed || d == 0 {
		return nil
	}
	w.moving++
	defer func() { w.moving-- }()
	if err := workflow.Await(ctx, func() bool { return !w.opening }); err != nil {
		return err
	}
	now := s.clk.now(ctx)
	if !w.opened && now.Before(w.opens) {
		w.opens = w.opens.Add(d)
	}
	if now.Before(w.closes) {
		w.closes = w.closes.Add(d)
	}
	w.moves++
	if !w.opened && !w.scheduled {
		return nil // the intake learns of it when it opens
	}
	return workflow.ExecuteActivity(withActivityOptions(ctx), a.OpenWindow, w.row(s, code, w.closes)).Get(ctx, nil)
}

// row is the intake's copy of a window closing at closes: open once its
// workflow opened it, scheduled before.
func (w *window) row(s *stage, code string, closes time.Time) process.ContributionWindow {
	state := process.WindowScheduled
	if w.opened {
		state = process.WindowOpen
	}
	return process.ContributionWindow{
		ProcessID: s.in.ProcessID, StageID: s.in.Stage.ID, Code: code, State: state,
		OpensAt: s.clk.Wall(w.opens), ClosesAt: s.clk.Wall(closes),
		Public: w.purpose == process.ForContributions, Purpose: w.purpose,
	}
}

func (p *processRun) validateCancelStage(ctx workflow.Context, req CancelStageRequest) error {
	const op = "workflows.CancelStage"
	if _, err := p.scheduled(ctx, op, req.StageID); err != nil {
		return err
	}
	if p.steer && strings.TrimSpace(req.Reason) == "" {
		return process.Errorf(op, process.Invalid, "reason is required: a cancellation is shown, with why, on the public list of schedule changes")
	}
	return nil
}

func (p *processRun) validateAppoint(ctx workflow.Context, req AppointRequest) error {
	const op = "workflows.Appoint"
	if !p.steer {
		return p.validateAppointState(op, req)
	}
	app := p.appointment(ctx, req)
	if err := app.Validate(); err != nil {
		return err
	}
	if slices.ContainsFunc(p.Appointments, func(a process.Appointment) bool { return a.State == app.State && a.Role == app.Role }) {
		return process.Errorf(op, process.Conflict, "%s's representative is a %s already", app.State, app.Role)
	}
	return nil
}

func (p *processRun) validateAppointState(op string, req AppointRequest) error {
	switch {
	case !process.IsMemberState(req.State):
		return process.Errorf(op, process.Invalid, "%q is not a Member State's ISO 3166 alpha-3 code", req.State)
	case slices.Contains(p.CoFacilitators, req.State):
		return process.Errorf(op, process.Conflict, "%s's representative is a co-facilitator already", req.State)
	}
	return nil
}

// appointment is the appointment a request makes: a co-facilitator, today,
// unless it says otherwise.
func (p *processRun) appointment(ctx workflow.Context, req AppointRequest) process.Appointment {
	app := process.Appointment{Person: strings.TrimSpace(req.Person), State: req.State, Role: cmp.Or(req.Role, "co-facilitator"), Stage: req.Stage, Date: req.Date}
	if app.Date.IsZero() {
		now := p.clk.now(ctx)
		app.Date = process.Date{Time: now.Truncate(24 * time.Hour)}
	}
	return app
}

func (p *processRun) appoint(ctx workflow.Context, req AppointRequest) ([]string, error) {
	p.busy++
	defer func() { p.busy-- }()
	if !p.steer {
		p.CoFacilitators = append(p.CoFacilitators, req.State)
		return p.CoFacilitators, p.rec.record(ctx, activities.StageEvent{Event: event.CoFacilitatorAppointed, At: p.clk.now(ctx)},
			event.StateAppointment{Occurrence: req.State, State: req.State, Reason: req.Reason})
	}
	app := p.appointment(ctx, req)
	p.Appointments = append(p.Appointments, app)
	if app.Role == "co-facilitator" && !slices.Contains(p.CoFacilitators, app.State) {
		p.CoFacilitators = append(p.CoFacilitators, app.State)
	}
	now := p.clk.now(ctx)
	// The workflow appoints a State to a role once: that names the act.
	also, err := setAsideWith(ctx, req.SetAside, now, app.State+"-"+app.Role)
	if err != nil {
		return nil, err
	}
	states := p.CoFacilitators
	if workflow.GetVersion(ctx, appointedOnTheirDates, workflow.DefaultVersion, 1) == 1 {
		_, states = p.appointedBy(now)
	}
	return states, p.recordAppointment(ctx, app, now, event.OfficeAppointment{
		Occurrence: app.State, State: app.State, Stage: app.Stage, Person: app.Person, Role: app.Role, Date: app.Date.Format(time.DateOnly),
		Reason: req.Reason, By: req.By,
	}, also...)
}

// appointedOnTheirDates versions the Process whose appointment update
// answers with the co-facilitators in office now, not with those appointed
// for a later date too.
const appointedOnTheirDates = "appointed-on-their-dates"

// recordAppointment records who was appointed to what, and when: data is
// an event.OfficeAppointment or an event.TemplateAppointment; also, a rule
// set aside for it.
func (p *processRun) recordAppointment(ctx workflow.Context, app process.Appointment, at time.Time, data any, also ...process.RecordEvent) error {
	return p.rec.record(ctx, activities.StageEvent{Event: event.Appointed(app.Role), At: at, Also: also}, data)
}
