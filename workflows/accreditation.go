package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// AccreditationCarry is an Accreditation workflow's state, carried across
// continue-as-new.
type AccreditationCarry struct {
	Lists      int       `json:"lists"`             // lists circulated so far
	Current    string    `json:"current,omitempty"` // the list under circulation
	Parties    []string  `json:"parties,omitempty"` // on the current list
	Until      time.Time `json:"until,omitzero"`    // process time its non-objection period ends
	Opened     bool      `json:"opened"`
	Closed     bool      `json:"closed"`
	Approved   int       `json:"approved"`
	Rejected   int       `json:"rejected"`
	Objections int       `json:"objections"`
	Ended      time.Time `json:"ended,omitzero"` // process time of the last decision or the close
}

// ecosocInChain versions the Accreditation whose simulated applicants'
// ECOSOC checks go into the record at the window's opening, process time.
const ecosocInChain = "ecosoc-in-chain"

// circulatedList versions the Accreditation whose list.circulated names
// the accreditation list (preparatory or conference) its batch is on.
const circulatedList = "circulated-list"

// Accreditation runs an accreditation window on a non-objection basis:
// stakeholders apply while it is open (organisations in ECOSOC status are
// registered at once); the PGA's office circulates the list of applicants
// to the Member States, any of which may object, giving a reason if it
// wishes, until the non-objection period ends; then each application on the
// list is approved, or not if a State objected. Applications left when the
// window closes are circulated then.
func Accreditation(ctx workflow.Context, in StageInput) (StageResult, error) {
	ac := &accreditation{stage: newStage(in)}
	if in.Carry != nil {
		ac.AccreditationCarry = *in.Carry
	}
	ac.opens, ac.closes = in.Stage.Start.Time, in.Stage.Finish()
	if w := in.Stage.Window; w != nil {
		ac.opens, ac.closes = w.Opens.Time, w.Closes.Time
	}
	ac.win = window{opens: ac.opens, closes: ac.closes, opened: ac.Opened, purpose: process.ForApplications}
	if workflow.GetVersion(ctx, accreditationWindowSteer, workflow.DefaultVersion, 1) == 1 {
		ac.steerable = true
		ac.followSteering(ctx)
	}
	if err := setUpdate(ctx, UpdateCirculate, ac.circulateUpdate, ac.validateCirculate); err != nil {
		return StageResult{}, err
	}
	if err := setUpdate(ctx, UpdateObject, ac.object, ac.validateObject); err != nil {
		return StageResult{}, err
	}
	return ac.run(ctx)
}

type accreditation struct {
	*stage
	AccreditationCarry
	opens, closes time.Time
	win           window // open as soon as the store takes applications
	steerable     bool   // it follows the office's changes to its window
	steered       bool   // the office moved the window: look again
}

// followSteering follows the office's changes to the window, which the
// Process has recorded and published to the intake: an opening that has
// not come and a close that has not passed take their new times.
func (ac *accreditation) followSteering(ctx workflow.Context) {
	moves := workflow.GetSignalChannel(ctx, SignalStageMoved)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var mv StageMove
			moves.Receive(ctx, &mv)
			w := mv.Spec.Window
			if w == nil {
				continue
			}
			ac.in.Stage = mv.Spec
			if !ac.Opened && !ac.win.opening {
				ac.opens, ac.win.opens = w.Opens.Time, w.Opens.Time
			}
			if !ac.Closed {
				ac.closes, ac.win.closes = w.Closes.Time, w.Closes.Time
			}
			ac.steered = true
		}
	})
}

func (ac *accreditation) code() string {
	if ac.in.Stage.Code != "" {
		return ac.in.Stage.Code
	}
	return "ACC"
}

func (ac *accreditation) result() StageResult {
	return StageResult{Stage: ac.in.Stage.ID, Approved: ac.Approved, Rejected: ac.Rejected, EndedAt: ac.Ended}
}

func (ac *accreditation) run(ctx workflow.Context) (StageResult, error) {
	if !ac.Opened {
		if err := ac.open(ctx); err != nil {
			return ac.result(), err
		}
	}
	for {
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return ac.result(), err
		}
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			in := ac.in
			carry := ac.AccreditationCarry
			in.Carry = &carry
			return ac.result(), workflow.NewContinueAsNewError(ctx, Accreditation, in)
		}
		switch {
		case ac.Current != "":
			woke, err := ac.clk.wait(ctx, ac.Until, func() bool { return !workflow.AllHandlersFinished(ctx) })
			if err != nil {
				return ac.result(), err
			}
			if woke {
				continue // an objection is being recorded; decide after it
			}
			if err := ac.decide(ctx); err != nil {
				return ac.result(), err
			}
		case !ac.Closed:
			woke, err := ac.clk.wait(ctx, ac.closes, func() bool {
				return ac.Current != "" || !workflow.AllHandlersFinished(ctx) || ac.steered
			})
			if err != nil {
				return ac.result(), err
			}
			if woke {
				ac.steered = false
				continue
			}
			if err := ac.close(ctx); err != nil {
				return ac.result(), err
			}
			if _, err := ac.circulate(ctx, ac.closes, nil); err != nil {
				return ac.result(), err
			}
		default:
			return ac.result(), nil
		}
	}
}

func (ac *accreditation) open(ctx workflow.Context) error {
	for {
		woke, err := ac.clk.wait(ctx, ac.opens, ac.steeredCond())
		if err != nil {
			return err
		}
		if !woke {
			break
		}
		ac.steered = false
	}
	if err := openWindow(ctx, ac.stage, ac.code(), &ac.win); err != nil {
		return err
	}
	ac.Opened = true
	if sim := ac.in.Simulation; sim != nil && sim.Stakeholders > 0 {
		in := activities.SimulateApplicationsInput{ProcessID: ac.in.ProcessID, For: ac.in.Stage.List, Count: sim.Stakeholders, ECOSOC: 5, At: ac.clk.Wall(ac.opens)}
		if workflow.GetVersion(ctx, ecosocInChain, workflow.DefaultVersion, 1) == 1 {
			in.StageID, in.RecordAt = ac.in.Stage.ID, ac.opens
		}
		if err := workflow.ExecuteActivity(withSimulationOptions(ctx), a.SimulateApplications, in).Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

// steeredCond wakes the wait for the opening when the office moves it; nil,
// as before, when the workflow predates steering (a nil condition sleeps).
func (ac *accreditation) steeredCond() func() bool {
	if ac.steerable {
		return func() bool { return ac.steered }
	}
	return nil
}

func (ac *accreditation) close(ctx workflow.Context) error {
	if _, err := sealWindow(ctx, ac.stage, &ac.win); err != nil {
		return err
	}
	ac.Closed, ac.Ended = true, ac.closes
	return nil
}

// circulate puts the pending applications on a new list and starts its
// non-objection period at process time at. With none pending it circulates
// nothing. A rule the office set aside for it is recorded with it.
func (ac *accreditation) circulate(ctx workflow.Context, at time.Time, setAside *event.ModalityOverriddenData) (CirculateResult, error) {
	list := fmt.Sprintf("%s-list-%d", ac.in.Stage.ID, ac.Lists+1)
	var parties []string
	err := ac.storeActivity(ctx, a.Circulate,
		activities.ListInput{ProcessID: ac.in.ProcessID, For: ac.in.Stage.List, List: list}).Get(ctx, &parties)
	if err != nil || len(parties) == 0 {
		return CirculateResult{}, err
	}
	until := at.Add(time.Duration(ac.in.Rules.NonObjectionDays) * 24 * time.Hour)
	data := event.ListCirculatedData{
		Occurrence: list, List: list, Applications: len(parties), Parties: parties, Until: until, Simulated: ac.simulated(),
	}
	if workflow.GetVersion(ctx, circulatedList, workflow.DefaultVersion, 1) == 1 {
		data.For = ac.in.Stage.List.Or()
	}
	ev := activities.StageEvent{StageID: ac.in.Stage.ID, Event: event.ListCirculated, At: at}
	if ev.Also, err = setAsideWith(ctx, setAside, at, list); err != nil {
		return CirculateResult{}, err
	}
	if err := ac.rec.record(ctx, ev, data); err != nil {
		return CirculateResult{}, err
	}
	ac.Lists++
	ac.Current, ac.Parties, ac.Until = list, parties, until
	if sim := ac.in.Simulation; sim != nil && sim.ObjectEvery > 0 {
		states := process.MemberStates()
		for i := sim.ObjectEvery - 1; i < len(parties); i += sim.ObjectEvery {
			req := ObjectRequest{Party: parties[i], State: states[i%len(states)].Code, Reason: "simulated objection"}
			if _, err := ac.objectAt(ctx, req, at); err != nil {
				return CirculateResult{}, err
			}
		}
	}
	return CirculateResult{List: list, Applications: len(parties), Until: until}, nil
}

func (ac *accreditation) decide(ctx workflow.Context) error {
	var d activities.Decision
	err := ac.storeActivity(ctx, a.Decide,
		activities.ListInput{ProcessID: ac.in.ProcessID, List: ac.Current, At: ac.Until}).Get(ctx, &d)
	if err != nil {
		return err
	}
	if err := ac.record(ctx, event.ListDecided, ac.Until, event.ListDecidedData{
		Occurrence: ac.Current, List: ac.Current, Approved: d.Approved, Rejected: d.Rejected, Simulated: ac.simulated(),
	}); err != nil {
		return err
	}
	ac.Approved += len(d.Approved)
	ac.Rejected += len(d.Rejected)
	ac.Current, ac.Parties, ac.Until, ac.Ended = "", nil, time.Time{}, ac.Until
	return nil
}

func (ac *accreditation) validateCirculate(ctx workflow.Context, _ CirculateRequest) error {
	const op = "workflows.Circulate"
	switch {
	case !ac.win.opened:
		return process.Errorf(op, process.Conflict, "the accreditation window has not opened")
	case ac.Current != "":
		return process.Errorf(op, process.Conflict, "list %s is under circulation until %s", ac.Current,
			process.FormatDeadline(ac.Until, ac.in.Stage.Location()))
	case ac.Closed:
		return process.Errorf(op, process.Conflict, "the accreditation window is closed and its last list decided")
	}
	return nil
}

func (ac *accreditation) circulateUpdate(ctx workflow.Context, req CirculateRequest) (CirculateResult, error) {
	res, err := ac.circulate(ctx, ac.clk.now(ctx), req.SetAside)
	if err == nil && res.List == "" {
		err = process.Errorf("workflows.Circulate", process.Conflict, "no application waits to be circulated")
	}
	return res, err
}

func (ac *accreditation) validateObject(ctx workflow.Context, req ObjectRequest) error {
	const op = "workflows.Object"
	switch {
	case ac.Current == "":
		return process.Errorf(op, process.Conflict, "no list is under circulation")
	case !ac.clk.now(ctx).Before(ac.Until):
		return process.Errorf(op, process.Conflict, "the non-objection period of list %s ended at %s", ac.Current,
			process.FormatDeadline(ac.Until, ac.in.Stage.Location()))
	case !process.IsMemberState(req.State):
		return process.Errorf(op, process.Invalid, "%q is not a Member State's ISO 3166 alpha-3 code", req.State)
	case !slices.Contains(ac.Parties, req.Party):
		return process.Errorf(op, process.NotFound, "%q is not on list %s", req.Party, ac.Current)
	case len(req.Reason) > 2000:
		return process.Errorf(op, process.Invalid, "a reason has at most 2000 characters")
	}
	return nil
}

// object records a State's objection. Its reason stays in the store, out
// of the public record.
func (ac *accreditation) object(ctx workflow.Context, req ObjectRequest) (string, error) {
	return ac.objectAt(ctx, req, ac.clk.now(ctx))
}

func (ac *accreditation) objectAt(ctx workflow.Context, req ObjectRequest, at time.Time) (string, error) {
	err := ac.storeActivity(ctx, a.RecordObjection, activities.ObjectionInput{
		ProcessID: ac.in.ProcessID, For: ac.in.Stage.List, Party: req.Party,
		Objection: process.Objection{State: req.State, Reason: req.Reason},
	}).Get(ctx, nil)
	if err != nil {
		return "", err
	}
	ac.Objections++
	return ac.Current, ac.record(ctx, event.ObjectionRecorded, at, event.ObjectionData{
		Occurrence: req.Party + "/" + req.State, List: ac.Current, Party: req.Party, State: req.State, Simulated: ac.simulated(),
	})
}
