package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// processRoutes registers processes and their schedule, accreditation and
// tokens. Observers read the store's read model; the PGA office's changes
// are workflow updates, whose validators refuse a change with its reason.
func (s *Server) processRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/processes", s.createProcess, PGAOffice)
	s.handle(mux, "GET /v1/processes", s.listProcesses)
	s.handle(mux, "GET /v1/processes/{id}", s.getProcess)
	s.handle(mux, "GET /v1/processes/{id}/stages", s.listStages)
	s.handle(mux, "GET /v1/processes/{id}/stages/{stage}", s.getStage)
	s.handle(mux, "GET /v1/processes/{id}/changes", s.listChanges)
	s.handle(mux, "POST /v1/processes/{id}/stages", s.addStage, PGAOffice)
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/reschedule", s.rescheduleStage, PGAOffice)
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/cancel", s.cancelStage, PGAOffice)
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/window", s.moveWindow, PGAOffice)
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/outcome", s.recordOutcome, PGAOffice)
	s.handle(mux, "POST /v1/processes/{id}/co-facilitators", s.appoint, PGAOffice)
	s.accreditationRoutes(mux)
	s.tokenRoutes(mux)
}

// requestedTemplate is the template the request names, shifted and recoded, with
// the process ID to run it under.
func requestedTemplate(req wire.CreateProcessRequest) (*process.Template, string, error) {
	const op = "api.createProcess"
	var t *process.Template
	switch {
	case (req.Template == "") == (req.TemplateBody == nil):
		return nil, "", process.AtField("/template", process.Errorf(op, process.Invalid, "give either template (a built-in template's ID) or templateBody"))
	case req.TemplateBody != nil:
		// decodeJSON has refused unknown fields within it: what ParseTemplate
		// would do, short of validating, which follows.
		t = req.TemplateBody
		t.AtVenue() // its windows' dates alone, by the one deadline rule
	default:
		var err error
		if t, err = process.LookupTemplate(req.Template); process.KindOf(err) == process.NotFound {
			return nil, "", process.E(op, process.Rule, err)
		} else if err != nil {
			return nil, "", err
		}
	}
	if req.Scale != 0 && req.Scale < 1 {
		return nil, "", process.AtField("/scale", process.Errorf(op, process.Invalid, "scale %g: want 1 (real time) or more", req.Scale))
	}
	if sim := req.Simulation; sim != nil && (sim.Stakeholders < 0 || sim.ObjectEvery < 0 ||
		sim.ContributionsPerWindow < 0 || sim.AmendmentsPerRound < 0) {
		return nil, "", process.AtField("/simulation", process.Errorf(op, process.Invalid, "a simulation's counts cannot be negative"))
	}
	if !req.StartsOn.IsZero() {
		t = t.Shifted(req.StartsOn.Sub(t.Begins()))
	}
	if req.Code != "" {
		t.Code = req.Code // t is the request's or a fresh parse: no one else's
	}
	id := cmp.Or(req.ID, t.ID)
	// The process ID follows the rules of a template's ID: check it on a copy,
	// so that the process keeps its template's ID.
	probe := *t
	probe.ID = id
	if err := probe.Validate(); err != nil {
		return nil, "", process.E(op, process.Rule, err)
	}
	if begins := t.Begins(); req.Scale <= 1 && begins.Before(time.Now().Add(-maxPastStart)) {
		return nil, "", process.Errorf(op, process.Rule,
			"the template begins on %s, in the past: give startsOn, or a scale above 1 to replay its history", begins.Format(time.DateOnly))
	}
	return t, id, nil
}

// maxPastStart is how long ago a real-time process may begin: its first
// stage may just have happened, but a real-time process that begins years
// ago would run its whole history at once.
const maxPastStart = 24 * time.Hour

func (s *Server) createProcess(w http.ResponseWriter, r *http.Request) {
	const op = "api.createProcess"
	var req wire.CreateProcessRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Simulation != nil && !s.simulation {
		s.fail(w, r, process.AtField("/simulation", process.Errorf(op, process.Forbidden, "simulation is off on this server: its operator enables it with --enable-simulation")))
		return
	}
	t, id, err := requestedTemplate(req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := process.Process{
		ID: id, TemplateID: t.ID, Title: t.Title, Code: t.Code, Phase: t.Phases[0].ID,
		Status: process.ProcessStarting, CreatedAt: time.Now().UTC(),
	}
	// A row still starting is a create whose workflow may have failed to
	// start: it may be taken again, and Temporal's workflow ID then decides.
	if err := s.store.ReserveProcess(r.Context(), p); err != nil {
		s.fail(w, r, err)
		return
	}
	_, err = s.temporal.ExecuteWorkflow(r.Context(), client.StartWorkflowOptions{
		ID: workflows.ProcessWorkflowID(id), TaskQueue: workflows.TaskQueue, WorkflowTaskTimeout: workflows.WorkflowTaskTimeout,
		// A process ID is never reused, even after its process has ended.
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.Process, workflows.ProcessInput{
		ProcessID: id, Template: t.WithoutTranslations(), Clock: process.Clock{Scale: cmp.Or(req.Scale, 1)}, Simulation: (*workflows.Simulation)(req.Simulation),
	})
	if err != nil {
		s.fail(w, r, temporalError(op, err))
		return
	}
	w.Header().Set("Location", "/v1/processes/"+id)
	writeJSON(w, http.StatusCreated, p)
}

// statusView is a process's status as the read model holds it: its stages,
// in their order, and their windows by stage ID.
func statusView(p process.Process, stages []process.Stage, windows map[string]process.ContributionWindow, now time.Time) wire.ProcessStatus {
	st := wire.ProcessStatus{Process: p, Current: []string{}, OpenWindows: []wire.OpenWindow{}, Counts: map[process.StageStatus]int{}}
	for _, sg := range stages {
		st.Counts[sg.Status]++
		if sg.Status == process.Running {
			st.Current = append(st.Current, sg.Spec.ID)
		}
		// A running stage's window, its own or a draft's for amendments,
		// or a scheduled stage's that its schedule has opened already.
		if sg.Status != process.Running && (sg.Status != process.Scheduled || sg.Spec.Window == nil) {
			continue
		}
		if win, ok := windows[sg.Spec.ID]; ok && win.TakesAt(now) {
			loc := sg.Spec.Location()
			st.OpenWindows = append(st.OpenWindows, wire.OpenWindow{StageID: win.StageID, Code: win.Code,
				OpensAt: inZone(win.OpensAt, loc), ClosesAt: inZone(win.ClosesAt, loc), TimeZone: loc.String()})
		}
	}
	// The phase from the same stages as the next stage, so that they agree.
	phase, next := process.Standing(stages, p.Phase)
	st.Phase = phase
	if next != nil {
		st.Next = &wire.NextStage{StageID: next.Spec.ID, Title: next.Spec.Title, Start: next.Spec.Start}
	}
	return st
}

// byStage maps windows by their stage ID.
func byStage(windows []process.ContributionWindow) map[string]process.ContributionWindow {
	m := make(map[string]process.ContributionWindow, len(windows))
	for _, w := range windows {
		m[w.StageID] = w
	}
	return m
}

// listProcesses reads every process's status in three queries, however
// many processes and stages there are.
func (s *Server) listProcesses(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ps, stages, err := s.everyProcess(ctx, func(process.StageSpec) bool { return true })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	allWindows, err := s.store.AllWindows(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	windows := map[string]map[string]process.ContributionWindow{}
	for _, win := range allWindows {
		if windows[win.ProcessID] == nil {
			windows[win.ProcessID] = map[string]process.ContributionWindow{}
		}
		windows[win.ProcessID][win.StageID] = win
	}
	out := make([]wire.ProcessStatus, len(ps))
	now := time.Now()
	for i, p := range ps {
		out[i] = statusView(p, stages[p.ID], windows[p.ID], now)
	}
	writeJSON(w, http.StatusOK, out)
}

// everyProcess reads every process and, by process, its stages that keep
// lets through: two queries, however many processes there are.
func (s *Server) everyProcess(ctx context.Context, keep func(process.StageSpec) bool) ([]process.Process, map[string][]process.Stage, error) {
	ps, err := s.store.ListProcesses(ctx)
	if err != nil {
		return nil, nil, err
	}
	all, err := s.store.AllStages(ctx)
	if err != nil {
		return nil, nil, err
	}
	stages := map[string][]process.Stage{}
	for _, sg := range all {
		if keep(sg.Spec) {
			stages[sg.ProcessID] = append(stages[sg.ProcessID], sg)
		}
	}
	return ps, stages, nil
}

func (s *Server) getProcess(w http.ResponseWriter, r *http.Request) {
	id, now := r.PathValue("id"), time.Now()
	body, ok := s.statuses.get(id, now)
	if !ok {
		p, err := s.store.GetProcess(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		stages, err := s.store.ListStages(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		windows, err := s.store.ListWindows(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		st := statusView(p, stages, byStage(windows), now)
		st.Clock = s.processClock(r.Context(), p)
		if body, err = json.Marshal(st); err != nil {
			s.fail(w, r, err)
			return
		}
		body = append(body, '\n')
		s.statuses.put(id, body, now)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// clockTimeout bounds the wait for a Process workflow to say its clock on
// a page: a status without it beats no status while the workers are away.
const clockTimeout = 2 * time.Second

// processClock is a process's clock as its Process workflow fixed it when
// it began; nil while the process is starting or when the workflow does
// not answer in time. A clock never changes: the first answer is kept.
func (s *Server) processClock(ctx context.Context, p process.Process) *process.Clock {
	if p.Status == process.ProcessStarting {
		if c, ok := s.clocks.Load(p.ID); ok {
			return c.(*process.Clock)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, clockTimeout)
	defer cancel()
	c, err := s.queryClock(ctx, p.ID)
	if err != nil {
		s.log.Warn("a process's clock is unknown: its pages show wall time", zap.String("process", p.ID), zap.Error(err))
		return nil
	}
	return c
}

// processNow is the process time at wall time now, for the record. The
// record holds process time only, so an act waits for the clock as long as
// an update would, and is refused, to be tried again, when it stays unknown.
func (s *Server) processNow(ctx context.Context, op string, p process.Process, now time.Time) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	c, err := s.queryClock(ctx, p.ID)
	if err != nil {
		s.log.Warn("a process's clock is unknown: its act waits", zap.String("process", p.ID), zap.Error(err))
		return time.Time{}, process.Errorf(op, process.Unavailable, "process %s's clock is not known yet; try again in a moment", p.ID)
	}
	return c.ProcessTime(now).UTC(), nil
}

// queryClock asks the Process workflow for its clock once and keeps it.
func (s *Server) queryClock(ctx context.Context, processID string) (*process.Clock, error) {
	if c, ok := s.clocks.Load(processID); ok {
		return c.(*process.Clock), nil
	}
	var st workflows.ProcessStatus
	v, err := s.temporal.QueryWorkflow(ctx, workflows.ProcessWorkflowID(processID), "", workflows.QueryStatus)
	if err == nil {
		err = v.Get(&st)
	}
	if err != nil {
		return nil, err
	}
	s.clocks.Store(processID, &st.Clock)
	return &st.Clock, nil
}

// processTemplate is the template a process runs, as its Process workflow
// holds it; it never changes, so callers keep it.
func (s *Server) processTemplate(ctx context.Context, op, processID string) (process.Template, error) {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	var t process.Template
	v, err := s.temporal.QueryWorkflow(ctx, workflows.ProcessWorkflowID(processID), "", workflows.QueryTemplate)
	if err == nil {
		err = v.Get(&t)
	}
	if notFound := (*serviceerror.NotFound)(nil); errors.As(err, &notFound) {
		return t, process.Errorf(op, process.Conflict, "process %s's workflow has not started yet; try again in a moment", processID)
	}
	return t, temporalError(op, err)
}

// timeline is a process's stages by date: a stage added later or moved
// takes its place among the others.
func (s *Server) timeline(ctx context.Context, processID string) ([]process.Stage, error) {
	if _, err := s.store.GetProcess(ctx, processID); err != nil {
		return nil, err
	}
	stages, err := s.store.ListStages(ctx, processID)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(stages, func(a, b process.Stage) int { return a.Spec.Begins().Compare(b.Spec.Begins()) })
	return stages, nil
}

func (s *Server) listStages(w http.ResponseWriter, r *http.Request) {
	stages, err := s.timeline(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, stages)
}

func (s *Server) getStage(w http.ResponseWriter, r *http.Request) {
	sg, err := s.findStage(r.Context(), r.PathValue("id"), r.PathValue("stage"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := wire.StageDetail{Stage: sg}
	switch win, err := s.store.GetWindow(r.Context(), sg.ProcessID, sg.Spec.ID); {
	case err == nil:
		d.Window = &win
	case process.KindOf(err) != process.NotFound:
		s.fail(w, r, err)
		return
	}
	switch sg.Spec.Kind {
	case process.Silence:
		d.Silence, err = s.silenceOf(r.Context(), sg)
	case process.Conference, process.Endorsement:
		d.Outcome, err = s.outcomeOf(r.Context(), sg)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// findStage reads a stage of a process from the read model.
func (s *Server) findStage(ctx context.Context, processID, stageID string) (process.Stage, error) {
	stages, err := s.timeline(ctx, processID)
	if err != nil {
		return process.Stage{}, err
	}
	for _, sg := range stages {
		if sg.Spec.ID == stageID {
			return sg, nil
		}
	}
	return process.Stage{}, process.Errorf("api.findStage", process.NotFound, "process %s has no stage %q", processID, stageID)
}

// scheduleEvents are the record's events that change the schedule.
var scheduleEvents = event.Strings(event.StageRescheduled, event.StageAdded, event.StageCancelled, event.OpeningMoved,
	event.DeadlineMoved, event.WindowMoved, event.CoFacilitatorAppointed, event.ChairAppointed, event.VenueChanged)

func (s *Server) listChanges(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.store.GetProcess(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	entries, err := s.store.EntriesOf(r.Context(), id, scheduleEvents)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	changes := []wire.ScheduleChange{}
	for _, e := range entries {
		changes = append(changes, wire.ScheduleChange{Seq: e.Seq, Event: e.Event, StageID: e.StageID, At: e.At,
			RecordedAt: e.RecordedAt, Data: json.RawMessage(e.Data)})
	}
	writeJSON(w, http.StatusOK, changes)
}

// updateProcess runs one of a process's schedule updates; an unknown
// process is NotFound rather than a workflow that does not run.
func (s *Server) updateProcess(ctx context.Context, processID, name string, arg, result any) error {
	if _, err := s.store.GetProcess(ctx, processID); err != nil {
		return err
	}
	return s.update(ctx, workflows.ProcessWorkflowID(processID), name, arg, result)
}

// readModelStage is a stage as the Process workflow returns it, in the read
// model's shape.
func readModelStage(processID string, st workflows.StageState) process.Stage {
	return process.Stage{ProcessID: processID, Phase: st.Phase, Seq: st.Seq, Spec: st.Spec, Status: st.Status, Moved: st.Moved}
}

func (s *Server) addStage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var req wire.AddStageRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	req.Stage.AtVenue() // its window's dates alone, by the one deadline rule
	add := workflows.AddStageRequest{Phase: req.Phase, Stage: req.Stage, Reason: req.Reason, By: by(r)}
	aside, err := s.keepsModalities(r.Context(), id, "/stage/start", add.By, process.Act{Kind: process.ActSchedule, Stage: req.Stage}, req.Override)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	add.SetAside = aside.record()
	if req.DryRun {
		s.dryRun(w, r, process.Stage{ProcessID: id, Phase: req.Phase, Spec: req.Stage, Status: process.Scheduled})
		return
	}
	var st workflows.StageState
	if err := s.updateProcess(r.Context(), id, workflows.UpdateAddStage, add, &st); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/processes/"+id+"/stages/"+st.Spec.ID)
	writeJSON(w, http.StatusCreated, s.scheduled(r.Context(), id, st))
}

func (s *Server) rescheduleStage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var body wire.RescheduleRequest
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if body.Start.IsZero() {
		s.fail(w, r, process.AtField("/start", process.Errorf("api.rescheduleStage", process.Invalid, "start is required")))
		return
	}
	req := workflows.RescheduleRequest{StageID: r.PathValue("stage"), Start: body.Start, End: body.End, Reason: body.Reason, By: by(r)}
	sg, err := s.findStage(r.Context(), id, req.StageID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	aside, err := s.keepsModalities(r.Context(), id, "/start", req.By, process.Act{Kind: process.ActSchedule,
		Stage: sg.Spec.Redated(body.Start, body.End)}, body.Override)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	req.SetAside = aside.record()
	if body.DryRun {
		sg.Spec = sg.Spec.Redated(body.Start, body.End)
		s.dryRun(w, r, sg)
		return
	}
	var st workflows.StageState
	if err := s.updateProcess(r.Context(), id, workflows.UpdateReschedule, req, &st); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.scheduled(r.Context(), id, st))
}

// dryRun answers a checked change with the stage as it would stand and its
// warnings, without making it. The Process workflow's own checks (a date
// past, a stage that has ended) are not run: the change may still be
// refused when it is made.
func (s *Server) dryRun(w http.ResponseWriter, r *http.Request, stage process.Stage) {
	out := s.warnings(r.Context(), stage)
	out.DryRun = true
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) cancelStage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var body wire.ReasonRequest
	if err := decodeOptionalJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	req := workflows.CancelStageRequest{StageID: r.PathValue("stage"), Reason: body.Reason, By: by(r)}
	var st workflows.StageState
	if err := s.updateProcess(r.Context(), id, workflows.UpdateCancelStage, req, &st); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, readModelStage(id, st))
}

// moveWindow moves a window's opening or deadline, opens it now or closes
// it now, through the update that workflows.WindowUpdate names for the
// stage as it stands.
func (s *Server) moveWindow(w http.ResponseWriter, r *http.Request) {
	const op = "api.moveWindow"
	var body wire.WindowRequest
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	opening := body.Open || body.Opens != ""
	var bad, at string
	switch {
	case body.Open && body.Opens != "":
		bad, at = `give either "opens" (a new opening) or "open": true, not both`, "/open"
	case body.Close && body.Closes != "":
		bad, at = `give either "closes" (a new deadline) or "close": true, not both`, "/close"
	case body.Close && opening:
		bad, at = `a window cannot open and close at once: "close": true goes alone`, "/close"
	case !opening && body.Closes == "" && !body.Close:
		bad, at = `give "opens" (a new opening), "open": true, "closes" (a new deadline) or "close": true`, ""
	}
	if bad != "" {
		s.fail(w, r, process.AtField(at, process.Errorf(op, process.Invalid, "%s", bad)))
		return
	}
	sg, err := s.findStage(r.Context(), r.PathValue("id"), r.PathValue("stage"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	opens, closes, err := windowTimes(sg, body.Opens, body.Closes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := wire.WindowMove{StageID: sg.Spec.ID, TimeZone: sg.Spec.Location().String()}
	workflowID, update := workflows.WindowUpdate(sg)
	switch {
	case sg.Status == process.Scheduled && body.Close:
		err = process.Errorf(op, process.Conflict, "stage %s has not started: its window cannot close now", sg.Spec.ID)
	case update == workflows.UpdateMoveDeadline && sg.Status == process.Scheduled:
		req := workflows.MoveDeadlineRequest{StageID: sg.Spec.ID, Opens: process.Date{Time: opens}, Open: body.Open,
			Closes: process.Date{Time: closes}, Reason: body.Reason, By: by(r)}
		var st workflows.StageState
		if err = s.update(r.Context(), workflowID, update, req, &st); err == nil {
			res.Opens, res.Closes = st.Spec.Window.Opens.Time, st.Spec.Window.Closes.Time
		}
	case update == workflows.UpdateMoveDeadline: // a running accreditation window
		err = s.steerAccreditationWindow(r, sg, body, opens, closes, &res)
	case sg.Status == process.Running && opening:
		err = process.Errorf(op, process.Conflict, "stage %s is running: its window opened with it", sg.Spec.ID)
	case update == workflows.UpdateSetDeadline:
		req := workflows.SetDeadlineRequest{Closes: closes, Reason: body.Reason}
		err = s.update(r.Context(), workflowID, update, req, &res.Closes)
	case sg.Status == process.Running:
		err = process.Errorf(op, process.Conflict, "stage %s is a running %s: its window cannot move", sg.Spec.ID, sg.Spec.Kind)
	default:
		err = process.Errorf(op, process.Conflict, "stage %s is %s: its window cannot move", sg.Spec.ID, sg.Status)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := sg.Spec.Location()
	res.Opens, res.Closes = inZone(res.Opens, loc), inZone(res.Closes, loc)
	writeJSON(w, http.StatusOK, res)
}

// steerAccreditationWindow opens a running accreditation stage's window
// early, moves it, or closes it early: a Process update, recorded with who
// and why on the public list of schedule changes. A refusal points at the
// field that asked for what cannot be done.
func (s *Server) steerAccreditationWindow(r *http.Request, sg process.Stage, body wire.WindowRequest, opens, closes time.Time, res *wire.WindowMove) error {
	const op = "api.moveWindow"
	if strings.TrimSpace(body.Reason) == "" {
		return process.AtField("/reason", process.Errorf(op, process.Invalid,
			"reason is required: opening or closing the accreditation window early is shown, with why, on the public list of schedule changes"))
	}
	req := workflows.MoveDeadlineRequest{StageID: sg.Spec.ID, Opens: process.Date{Time: opens}, Open: body.Open,
		Closes: process.Date{Time: closes}, Close: body.Close, Reason: body.Reason, By: by(r)}
	var st workflows.StageState
	if err := s.update(r.Context(), workflows.ProcessWorkflowID(sg.ProcessID), workflows.UpdateMoveDeadline, req, &st); err != nil {
		pointer := "/closes"
		switch {
		case body.Open:
			pointer = "/open"
		case body.Opens != "":
			pointer = "/opens"
		case body.Close:
			pointer = "/close"
		}
		return process.AtField(pointer, err)
	}
	res.Opens, res.Closes = st.Spec.Window.Opens.Time, st.Spec.Window.Closes.Time
	return nil
}

func (s *Server) appoint(w http.ResponseWriter, r *http.Request) {
	var req wire.AppointRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	var res wire.CoFacilitators
	appoint := workflows.AppointRequest{State: req.State, Person: req.Person, Role: req.Role, Stage: req.Stage, Date: req.Date, Reason: req.Reason, By: by(r)}
	var aside *setAside
	if req.Stage != "" {
		sg, err := s.findStage(r.Context(), id, req.Stage)
		if err == nil {
			aside, err = s.keepsModalities(r.Context(), id, "/stage", appoint.By, process.Act{Kind: process.ActAppoint,
				Role: cmp.Or(req.Role, "co-facilitator"), Stage: sg.Spec}, req.Override)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	} else if req.Override != nil {
		s.fail(w, r, process.AtField("/override", process.Errorf("api.appoint", process.Invalid,
			"an appointment to no stage breaks no rule: there is nothing to override")))
		return
	}
	appoint.SetAside = aside.record()
	if err := s.updateProcess(r.Context(), id, workflows.UpdateAppoint, appoint, &res.CoFacilitators); err != nil {
		s.fail(w, r, err)
		return
	}
	if res.CoFacilitators == nil {
		res.CoFacilitators = []string{} // a chair's appointment leaves the list empty, not absent
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) recordOutcome(w http.ResponseWriter, r *http.Request) {
	var req wire.RecordOutcomeRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	sg, err := s.runningStage(r.Context(), r.PathValue("id"), r.PathValue("stage"), process.Conference, process.Endorsement)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var o process.Outcome
	if err := s.update(r.Context(), workflows.StageWorkflowID(sg.ProcessID, sg.Spec.ID), workflows.UpdateRecordOutcome, workflows.RecordOutcomeRequest(req), &o); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// outcomeEvents are the record's events that state a meeting's outcome.
var outcomeEvents = event.Strings(event.ConferenceAdopted, event.ConferenceRejected, event.EndorsementAdopted, event.EndorsementRejected)

// outcomeOf is a meeting's outcome as its record entry states it; nil
// before it is recorded.
func (s *Server) outcomeOf(ctx context.Context, sg process.Stage) (*wire.StageOutcome, error) {
	entries, err := s.store.EntriesOf(ctx, sg.ProcessID, outcomeEvents)
	if err != nil {
		return nil, err
	}
	for _, e := range slices.Backward(entries) {
		if e.StageID != sg.Spec.ID {
			continue
		}
		data, err := event.Decode(event.Name(e.Event), []byte(e.Data))
		if err != nil {
			return nil, process.E("api.outcomeOf", process.Internal, err)
		}
		d := data.(*event.OutcomeData)
		return newStageOutcome(e, d), nil
	}
	return nil, nil
}

// newStageOutcome reads an outcome's entry: its counts as recorded and the
// named States sorted by their votes. Those not voting are named only
// when every vote is, and as many Member States are left as were absent.
func newStageOutcome(e process.RecordEntry, d *event.OutcomeData) *wire.StageOutcome {
	o := &wire.StageOutcome{Seq: e.Seq, At: e.At, Adopted: d.Adopted, Method: d.Method, Document: d.Document,
		AdoptedBy: d.AdoptedBy, Yes: d.Yes, No: d.No, Abstain: d.Abstain, Absent: d.Absent}
	for _, code := range slices.Sorted(maps.Keys(d.Votes)) {
		switch d.Votes[code] {
		case workflows.VoteYes:
			o.InFavour = append(o.InFavour, code)
		case workflows.VoteNo:
			o.Against = append(o.Against, code)
		case workflows.VoteAbstain:
			o.Abstaining = append(o.Abstaining, code)
		}
	}
	count := func(n *int) int {
		if n == nil {
			return 0
		}
		return *n
	}
	named := len(o.InFavour) + len(o.Against) + len(o.Abstaining)
	if named == 0 || d.Absent == nil || named != count(d.Yes)+count(d.No)+count(d.Abstain) {
		return o
	}
	var left []string
	for _, st := range process.MemberStates() {
		if _, voted := d.Votes[st.Code]; !voted {
			left = append(left, st.Code)
		}
	}
	if len(left) == *d.Absent { // in code order, as MemberStates lists them
		o.NotVoting = left
	}
	return o
}

// runningStage finds a stage whose own workflow takes an update: one of
// kinds, and running, or the update would reach no workflow or no handler.
func (s *Server) runningStage(ctx context.Context, processID, stageID string, kinds ...process.StageKind) (process.Stage, error) {
	const op = "api.runningStage"
	sg, err := s.findStage(ctx, processID, stageID)
	switch {
	case err != nil:
		return sg, err
	case !slices.Contains(kinds, sg.Spec.Kind):
		return sg, process.Errorf(op, process.Conflict, "stage %s is a %s: this is for a %s", stageID, sg.Spec.Kind, joinKinds(kinds))
	case sg.Status != process.Running:
		return sg, process.Errorf(op, process.Conflict, "stage %s is %s, not running", stageID, sg.Status)
	}
	return sg, nil
}

func joinKinds(kinds []process.StageKind) string {
	var s string
	for i, k := range kinds {
		if i > 0 {
			s += " or "
		}
		s += string(k)
	}
	return s
}

// decodeOptionalJSON is decodeJSON for a body that may be left out, such
// as one that only gives a reason.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeJSON(w, r, v)
}
