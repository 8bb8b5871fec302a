package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// Consultation runs a session (informal thematic session, regional
// consultation, hearing, stocktaking, negotiation round): announced, its
// contribution window opened, the session held, the window closed at its
// deadline, and a summary recorded. Contributions go to the store's intake,
// never through this workflow: it holds only their count and digest.
func Consultation(ctx workflow.Context, in StageInput) (StageResult, error) {
	c := &consultation{stage: newStage(in)}
	if w := in.Stage.Window; w != nil {
		c.opens, c.closes, c.purpose, c.scheduled = w.Opens.Time, w.Closes.Time, process.ForContributions, in.Scheduled
	}
	if err := setUpdate(ctx, UpdateSetDeadline, c.setDeadline, c.validateSetDeadline); err != nil {
		return StageResult{}, err
	}
	if workflow.GetVersion(ctx, steering, workflow.DefaultVersion, 1) == 1 {
		followMoves(ctx, c.stage, &c.window, in.Stage.Code)
	}
	return c.run(ctx)
}

type consultation struct {
	*stage
	window
	result StageResult
}

// window is a stage's contribution window as its workflow runs it. Updates
// move its close; moving counts the handlers in flight, so the window is not
// sealed under one.
type window struct {
	opens, closes time.Time // process time
	opened        bool
	opening       bool // its OpenWindow activity is in flight
	scheduled     bool // the store takes submissions by its times, opened or not (process.WindowScheduled)
	purpose       process.WindowPurpose
	sealed        bool
	moving        int
	moved         bool // set by a handler, cleared by the loop
	moves         int
}

func (w *window) has() bool { return !w.opens.IsZero() }

func (c *consultation) run(ctx workflow.Context) (StageResult, error) {
	spec := c.in.Stage
	c.result.Stage = spec.ID
	if err := c.record(ctx, event.StageAnnounced, spec.Begins(), event.StageAnnouncedData{
		Title: spec.Title, Kind: string(spec.Kind), Theme: spec.Theme, Place: spec.Place,
		Start: spec.Start.Time, End: spec.Finish(), Documents: event.Documents(spec.Documents),
	}); err != nil {
		return c.result, err
	}
	// The office can move the session while it runs: its steps read the
	// stage as it now stands.
	steps := []step{
		{at: func() time.Time { return c.in.Stage.Start.Time }, run: c.sessionOpened},
		{at: func() time.Time { return c.in.Stage.Finish() }, run: c.sessionHeld},
	}
	if c.has() {
		steps = append(steps,
			step{at: func() time.Time { return c.opens }, run: c.openWindow},
			step{at: func() time.Time { return c.closes }, run: c.closeWindow, isClose: true})
		if workflow.GetVersion(ctx, "window-reminders", workflow.DefaultVersion, 1) == 1 {
			steps = append(steps, c.reminders()...)
		}
	}
	if err := runSteps(ctx, c.clk, &c.window, steps); err != nil {
		return c.result, err
	}
	if spec.Kind.Consultative() {
		if err := c.summarise(ctx); err != nil {
			return c.result, err
		}
	}
	c.result.EndedAt = c.in.Stage.Finish()
	if c.has() && c.closes.After(c.result.EndedAt) {
		c.result.EndedAt = c.closes
	}
	return c.result, nil
}

// step is one timed event of a stage.
type step struct {
	at      func() time.Time // process time; a window's close can move
	run     func(workflow.Context) error
	isClose bool
}

// runSteps runs steps in time order. A moved deadline wakes it to reorder;
// a close waits for deadline handlers in flight.
func runSteps(ctx workflow.Context, clk clock, w *window, steps []step) error {
	for len(steps) > 0 {
		next := 0
		for i, st := range steps {
			if st.at().Before(steps[next].at()) {
				next = i
			}
		}
		woke, err := clk.wait(ctx, steps[next].at(), func() bool { return w.moved })
		if err != nil {
			return err
		}
		if woke {
			w.moved = false
			continue
		}
		if steps[next].isClose {
			if err := workflow.Await(ctx, func() bool { return w.moving == 0 }); err != nil {
				return err
			}
			if w.moved {
				w.moved = false
				continue
			}
		}
		if err := steps[next].run(ctx); err != nil {
			return err
		}
		steps = append(steps[:next], steps[next+1:]...)
	}
	return nil
}

// reminders are steps that remind subscribers, the template's days before
// the deadline; they move with it. A reminder due before the window opens,
// or after it closed early, is skipped.
func (c *consultation) reminders() []step {
	var steps []step
	for _, days := range c.in.Rules.ReminderDays {
		before := time.Duration(days) * 24 * time.Hour
		at := func() time.Time { return c.closes.Add(-before) }
		steps = append(steps, step{at: at, run: func(ctx workflow.Context) error {
			if !c.opened || c.sealed || at().Before(c.opens) {
				return nil
			}
			return c.record(ctx, event.WindowReminder, at(), event.ReminderData{
				Occurrence: fmt.Sprintf("%d-%d", days, c.moves), Days: days, Closes: c.closes, TimeZone: c.zone(),
			})
		}})
	}
	return steps
}

func (c *consultation) sessionOpened(ctx workflow.Context) error {
	if err := c.record(ctx, event.SessionOpened, c.in.Stage.Start.Time, event.SessionData{Place: c.in.Stage.Place}); err != nil {
		return err
	}
	return c.chaired(ctx)
}

// chairedMeetings versions the Consultation that records, as its session
// opens, who chaired it by office (the President of the General Assembly)
// where the template's sources name them.
const chairedMeetings = "chaired-meetings"

// chaired records the template's chair of the session, on its day: only if
// it meets on the day the source speaks of, not on one the office moved it to.
func (c *consultation) chaired(ctx workflow.Context) error {
	ch, day := c.in.Chair, c.in.Stage.Start
	if ch == nil || !ch.Day.Equal(day.Time) || workflow.GetVersion(ctx, chairedMeetings, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	return c.record(ctx, event.StageChaired, day.Time, event.Chaired{
		Date: day.Format(time.DateOnly), Office: ch.Office, Person: ch.Person, Session: ch.Session, Source: ch.Source,
	})
}

func (c *consultation) sessionHeld(ctx workflow.Context) error {
	return c.record(ctx, event.SessionHeld, c.in.Stage.Finish(), event.SessionData{Place: c.in.Stage.Place})
}

func (c *consultation) openWindow(ctx workflow.Context) error {
	if err := openWindow(ctx, c.stage, c.in.Stage.Code, &c.window); err != nil {
		return err
	}
	if sim := c.in.Simulation; sim != nil && sim.ContributionsPerWindow > 0 {
		var n int
		err := workflow.ExecuteActivity(withSimulationOptions(ctx), a.SimulateContributions,
			activities.SimulateContributionsInput{
				ProcessID: c.in.ProcessID, StageID: c.in.Stage.ID, Count: sim.ContributionsPerWindow,
				At: c.clk.Wall(c.opens),
			}).Get(ctx, &n)
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *consultation) closeWindow(ctx workflow.Context) error {
	seal, err := sealWindow(ctx, c.stage, &c.window)
	c.result.Contributions, c.result.Digest = seal.Count, seal.Digest
	return err
}

// openWindow publishes a stage's window to the store's intake and records it.
func openWindow(ctx workflow.Context, s *stage, code string, w *window) error {
	w.opening = true
	err := s.storeActivity(ctx, a.OpenWindow, process.ContributionWindow{
		ProcessID: s.in.ProcessID, StageID: s.in.Stage.ID, Code: code, State: process.WindowOpen,
		OpensAt: s.clk.Wall(w.opens), ClosesAt: s.clk.Wall(w.closes),
		Public: w.purpose == process.ForContributions, Purpose: w.purpose,
	}).Get(ctx, nil)
	w.opening = false
	if err != nil {
		return err
	}
	w.opened = true
	return s.record(ctx, event.WindowOpened, w.opens, event.WindowOpenedData{Code: code, Opens: w.opens, Closes: w.closes, TimeZone: s.zone()})
}

// sealWindow seals a stage's window in the store and records what it got.
func sealWindow(ctx workflow.Context, s *stage, w *window) (process.Seal, error) {
	var seal process.Seal
	err := s.storeActivity(ctx, a.SealWindow,
		activities.SealInput{ProcessID: s.in.ProcessID, StageID: s.in.Stage.ID}).Get(ctx, &seal)
	if err != nil {
		return seal, err
	}
	w.sealed = true
	return seal, s.record(ctx, event.WindowClosed, w.closes, event.Seal{Count: seal.Count, Digest: seal.Digest, Simulated: s.simulated()})
}

func (c *consultation) summarise(ctx workflow.Context) error {
	spec := c.in.Stage
	var paras []string
	if c.has() {
		paras = append(paras,
			fmt.Sprintf("%d contributions were received by the deadline of %s.", c.result.Contributions, c.closes.Format(time.RFC3339)),
			"Digest of the contributions' receipts (SHA-256): "+c.result.Digest+".")
	}
	paras = append(paras, fmt.Sprintf("%s was held in %s from %s to %s.", spec.Title, spec.Place,
		spec.Start.Format(time.DateOnly), spec.Finish().Add(-time.Nanosecond).Format(time.DateOnly)))
	var res activities.PublishResult
	err := c.storeActivity(ctx, a.PublishDocument, activities.PublishInput{
		Document: process.DocumentVersion{
			ProcessID: c.in.ProcessID, StageID: spec.ID, Name: spec.ID + "-summary", Kind: "summary",
			Title: "Summary of " + spec.Title, Paragraphs: paras, IssuedAt: spec.Finish(),
		},
		DiffAgainst: -1,
	}).Get(ctx, &res)
	if err != nil {
		return err
	}
	return c.record(ctx, event.SummaryRecorded, spec.Finish(), event.SummaryData{
		Document: res.Document.Name, SHA256: res.Document.SHA256,
		Contributions: c.result.Contributions, Digest: c.result.Digest, Simulated: c.simulated(),
	})
}

func (c *consultation) validateSetDeadline(ctx workflow.Context, req SetDeadlineRequest) error {
	return validateSetDeadline(c.clk.now(ctx), c.in.Stage.Location(), &c.window, req)
}

func validateSetDeadline(now time.Time, loc *time.Location, w *window, req SetDeadlineRequest) error {
	const op = "workflows.SetDeadline"
	takes := w.opened || w.scheduled && now.After(w.opens) // by the store's copy
	switch {
	case !w.has():
		return process.Errorf(op, process.Conflict, "this stage has no contribution window")
	case w.sealed || ((w.opened || w.scheduled) && !now.Before(w.closes)):
		// Past its deadline it has refused contributions as late: it stays
		// closed, sealed or not yet.
		return process.Errorf(op, process.Conflict, "the window closed at %s", process.FormatDeadline(w.closes, loc))
	case req.Closes.IsZero() && !takes:
		return process.Errorf(op, process.Conflict, "the window has not opened yet")
	case !req.Closes.IsZero() && !req.Closes.After(now):
		return inThePast(op, "the new deadline", process.FormatDeadline(req.Closes, loc), now, loc)
	case !req.Closes.IsZero() && !req.Closes.After(w.opens):
		return process.Errorf(op, process.Rule, "the new deadline %s would not be after the window's opening %s",
			process.FormatDeadline(req.Closes, loc), process.FormatInstant(w.opens, loc))
	}
	return nil
}

func (c *consultation) setDeadline(ctx workflow.Context, req SetDeadlineRequest) (time.Time, error) {
	return setDeadline(ctx, c.stage, c.in.Stage.Code, &c.window, req)
}

// setDeadline moves an open or pending window's close and records the move;
// a zero Closes closes it now.
func setDeadline(ctx workflow.Context, s *stage, code string, w *window, req SetDeadlineRequest) (time.Time, error) {
	w.moving++
	defer func() { w.moving-- }()
	// An opening in flight publishes the close it started with: let it
	// finish, then publish the new one.
	if err := workflow.Await(ctx, func() bool { return !w.opening }); err != nil {
		return w.closes, err
	}
	from, to := w.closes, req.Closes
	if to.IsZero() {
		to = s.clk.now(ctx)
	}
	row := w.row(s, code, to)
	if w.opened {
		if err := s.storeActivity(ctx, a.OpenWindow, row).Get(ctx, nil); err != nil {
			return from, err
		}
	}
	w.closes, w.moved = to, true
	w.moves++
	ev := activities.StageEvent{StageID: s.in.Stage.ID, Event: event.WindowMoved, At: s.clk.now(ctx)}
	if !w.opened && w.scheduled {
		// Opened from now on, it opens with the new close; until then the
		// store's schedule moves with the record.
		ev.Windows = []process.ContributionWindow{row}
	}
	return to, s.rec.record(ctx, ev, event.WindowMovedData{
		Sequence: w.moves, From: from, To: to, Reason: req.Reason, TimeZone: s.zone(),
	})
}
