package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// officeCalendarRoutes register the calendar of every process together,
// where the office sees two processes' meetings clash.
func (s *Server) officeCalendarRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /v1/calendar", s.getOfficeCalendar)
	s.handle(mux, "GET /v1/calendar.ics", s.getOfficeICS)
}

// scheduled is a stage as a scheduling change left it, with the meetings of
// other processes it now clashes with. A clash is a warning, never a
// refusal: when they cannot be read, the change stands and the answer
// lists none.
func (s *Server) scheduled(ctx context.Context, processID string, st workflows.StageState) wire.ScheduledStage {
	return s.warnings(ctx, readModelStage(processID, st))
}

// warnings are a stage's as a scheduling change leaves it, or would: the
// steps it takes out of the process's natural order, and the meetings of
// other processes it clashes with. Neither refuses the change: when they
// cannot be read, the answer lists none.
func (s *Server) warnings(ctx context.Context, stage process.Stage) wire.ScheduledStage {
	out := wire.ScheduledStage{Stage: stage}
	processID := stage.ProcessID
	if out.Status == process.Cancelled {
		return out
	}
	if timeline, err := s.store.ListStages(ctx, processID); err != nil {
		s.log.Warn("sequence not checked", zap.String("process", processID), zap.Error(err))
	} else {
		out.Sequence = process.Sequence(timeline, stage.Phase, stage.Spec)
	}
	if !out.Spec.Kind.Meets() {
		return out
	}
	all, err := s.store.AllStages(ctx)
	if err != nil {
		s.log.Warn("clashes not checked", zap.String("process", processID), zap.Error(err))
		return out
	}
	out.Clashes = process.Clashes(s.meeting(ctx, out.Stage, map[string][]string{}), s.meetings(ctx, all, out.Stage))
	return out
}

// meetings are the stages of other processes that overlap stage in time,
// with their processes' co-facilitators when stage's process has any: only
// then can one be shared, and asking costs a query per process.
func (s *Server) meetings(ctx context.Context, all []process.Stage, stage process.Stage) []process.Meeting {
	states := map[string][]string{}
	mine := s.meeting(ctx, stage, states)
	var out []process.Meeting
	for _, o := range all {
		if o.ProcessID == stage.ProcessID || !overlaps(o.Spec, stage.Spec) {
			continue
		}
		m := process.Meeting{Stage: o}
		if len(mine.CoFacilitators) > 0 {
			m = s.meeting(ctx, o, states)
		}
		out = append(out, m)
	}
	return out
}

func overlaps(a, b process.StageSpec) bool {
	return a.Start.Before(b.Finish()) && b.Start.Before(a.Finish())
}

// meeting is a stage with its process's co-facilitators, asked of the
// process's workflow once per process (states caches the answers).
func (s *Server) meeting(ctx context.Context, st process.Stage, states map[string][]string) process.Meeting {
	co, ok := states[st.ProcessID]
	if !ok {
		co = s.coFacilitators(ctx, st.ProcessID)
		states[st.ProcessID] = co
	}
	return process.Meeting{Stage: st, CoFacilitators: co}
}

// coFacilitators asks a process's workflow who co-facilitates it; none when
// it does not answer in time. It waits as long as the change it warns about
// may: a clash left out for a slow query would be a wrong answer.
func (s *Server) coFacilitators(ctx context.Context, processID string) []string {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	var st workflows.ProcessStatus
	v, err := s.temporal.QueryWorkflow(ctx, workflows.ProcessWorkflowID(processID), "", workflows.QueryStatus)
	if err == nil {
		err = v.Get(&st)
	}
	if err != nil {
		s.log.Warn("co-facilitators unknown: clashes by venue only", zap.String("process", processID), zap.Error(err))
		return nil
	}
	return st.CoFacilitators
}

// getOfficeCalendar lists every process's meetings from ?from= to ?to=
// (dates; by default from 30 days ago for a year), in the order they begin,
// each with the meetings of other processes it clashes with at its venue.
func (s *Server) getOfficeCalendar(w http.ResponseWriter, r *http.Request) {
	from, to, err := calendarSpan(r, time.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.store.AllStages(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := wire.OfficeCalendar{From: from, To: to, Meetings: []wire.ScheduledStage{}}
	var others []process.Meeting
	for _, st := range all {
		if st.Spec.Kind.Meets() && st.Status != process.Cancelled {
			others = append(others, process.Meeting{Stage: st})
		}
	}
	for _, st := range all {
		if !st.Spec.Kind.Meets() || !st.Spec.Start.Before(to) || !from.Before(st.Spec.Finish()) {
			continue
		}
		out.Meetings = append(out.Meetings, wire.ScheduledStage{Stage: st, Clashes: process.Clashes(process.Meeting{Stage: st}, others)})
	}
	slices.SortStableFunc(out.Meetings, func(a, b wire.ScheduledStage) int { return a.Spec.Start.Compare(b.Spec.Start.Time) })
	writeJSON(w, http.StatusOK, out)
}

// getOfficeICS serves every process's meetings and deadlines from ?from= to
// ?to= as one iCalendar: each event as in its process's own feed (same UID
// and SEQUENCE), so subscribing to both shows each once.
func (s *Server) getOfficeICS(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	from, to, err := calendarSpan(r, time.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inSpan := func(spec process.StageSpec) bool { return spec.Start.Before(to) && from.Before(spec.Finish()) }
	processes, byProcess, err := s.everyProcess(ctx, inSpan)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var c calendarWriter
	c.beginCalendar("Compact: every process")
	for _, p := range processes {
		stages := byProcess[p.ID]
		if len(stages) == 0 {
			continue // its record, read for the SEQUENCE of each event, is not needed
		}
		entries, err := s.store.EntriesOf(ctx, p.ID, calendarEvents)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		c.events(p, stages, entries, inSpan)
	}
	c.End("VCALENDAR")
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="compact.ics"`)
	_, _ = w.Write(c.Bytes())
}

// maxCalendarSpan bounds what one calendar request reads.
const maxCalendarSpan = 3 * 366 * 24 * time.Hour

// calendarSpan reads ?from= and ?to= (dates, UTC): by default from 30 days
// before now for a year.
func calendarSpan(r *http.Request, now time.Time) (time.Time, time.Time, error) {
	const op = "api.calendarSpan"
	from := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -30)
	to := from.AddDate(1, 0, 0)
	for _, q := range []struct {
		name string
		t    *time.Time
	}{{"from", &from}, {"to", &to}} {
		v := r.URL.Query().Get(q.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return from, to, process.Errorf(op, process.Invalid, "%s=%q: want a date such as 2018-07-13", q.name, v)
		}
		*q.t = t
	}
	switch {
	case !from.Before(to):
		return from, to, process.Errorf(op, process.Invalid, "to (%s) must come after from (%s)", to.Format(time.DateOnly), from.Format(time.DateOnly))
	case to.Sub(from) > maxCalendarSpan:
		return from, to, process.Errorf(op, process.Invalid, "from %s to %s is over three years: ask for less", from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	return from, to, nil
}
