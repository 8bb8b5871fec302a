package web

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// processView is a process with its schedule: what the overview, its
// status fragment and the calendar show.
type processView struct {
	Status   wire.ProcessStatus
	Phases   []phaseView
	Rows     []stageRow // in timeline order
	Titles   map[string]string
	Verify   wire.Verification
	Timeline template.HTML
	// TimelineNote says where today is when the timeline does not reach it.
	TimelineNote string
	Live         liveData
	// EventsURL is the event stream from the entries already shown.
	EventsURL string
}

// phaseView is a phase with its stages.
type phaseView struct {
	ID, Title string
	Rows      []stageRow
}

// stageRow is a stage with the phase it belongs to and, when it was moved,
// where it was first scheduled.
type stageRow struct {
	process.Stage
	PhaseTitle string
	MovedFrom  time.Time // the start first scheduled; zero if never moved
	Changes    []wire.ScheduleChange
}

// Ends is the stage's last day.
func (r stageRow) Ends() time.Time { return r.Spec.Finish().Add(-time.Nanosecond) }

// loadProcess starts a page about a process with its schedule: its
// stages, the changes to the schedule and its record's verification.
func (s *Site) loadProcess(r *http.Request, id string) (*Page, *processView, error) {
	p, st, err := s.pageOn(r, id)
	if err != nil {
		return nil, nil, err
	}
	a, ctx := s.api(r), r.Context()
	v := &processView{Status: st, Titles: map[string]string{}}
	stages, err := a.Stages(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	changes, err := a.Changes(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if v.Verify, err = a.VerifyRecord(ctx, id); err != nil {
		return nil, nil, err
	}
	titles := phaseTitles(v.Status.TemplateID)
	byPhase := map[string]int{}
	for _, st := range stages {
		p.localStage(v.Status.TemplateID, &st.Spec)
		row := stageRow{Stage: st, PhaseTitle: p.localPhase(v.Status.TemplateID, st.Phase, cmp.Or(titles[st.Phase], humanize(st.Phase)))}
		for _, c := range changes {
			if c.StageID != st.Spec.ID {
				continue
			}
			row.Changes = append(row.Changes, c)
			if event.Name(c.Event) == event.StageRescheduled && row.MovedFrom.IsZero() {
				row.MovedFrom, _ = time.Parse(time.DateOnly, c.Details().From)
			}
		}
		v.Rows = append(v.Rows, row)
		v.Titles[st.Spec.ID] = st.Spec.Title
		i, ok := byPhase[st.Phase]
		if !ok {
			i = len(v.Phases)
			byPhase[st.Phase] = i
			v.Phases = append(v.Phases, phaseView{ID: st.Phase, Title: row.PhaseTitle})
		}
		v.Phases[i].Rows = append(v.Phases[i].Rows, row)
	}
	// Phases in the order of their first stage in the template.
	slices.SortStableFunc(v.Phases, func(a, b phaseView) int { return cmp.Compare(a.Rows[0].Seq, b.Rows[0].Seq) })
	v.EventsURL = client.ProcessPath(id, "events") + "?after=" + strconv.Itoa(v.Verify.Entries)
	p.Data = v
	return p, v, nil
}

// phaseTitles names a built-in template's phases; a process from an inline
// template shows its phases' IDs.
func phaseTitles(templateID string) map[string]string {
	builtinPhases.once.Do(func() {
		builtinPhases.titles = map[string]map[string]string{}
		all, err := process.Templates()
		if err != nil {
			return
		}
		for _, t := range all {
			m := map[string]string{}
			for _, ph := range t.Phases {
				m[ph.ID] = ph.Title
			}
			builtinPhases.titles[t.ID] = m
		}
	})
	return builtinPhases.titles[templateID]
}

var builtinPhases struct {
	once   sync.Once
	titles map[string]map[string]string
}

// humanize turns an ID such as "negotiations" into "Negotiations".
func humanize(id string) string {
	s := strings.ReplaceAll(id, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (s *Site) processPage(r *http.Request) (*Page, error) {
	p, v, err := s.loadProcess(r, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p.Title = v.Status.Title
	var today bool
	if v.Timeline, today = drawTimeline(p, v.Phases); !today {
		v.TimelineNote = timelineNote(p, v.Rows)
	}
	v.Live = newLiveData(p, v.Titles)
	return p, nil
}

func (s *Site) statusFragment(w http.ResponseWriter, r *http.Request) {
	p, _, err := s.loadProcess(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderFragment(w, "public_process", "status", p)
}

// liveData is what site.js needs to announce events: a sentence per event
// it announces, and the stages' titles. It is JSON in the page.
type liveData struct {
	Messages map[string]string `json:"messages"`
	Stages   map[string]string `json:"stages"`
}

// liveMessages are the events the overview announces, with their message.
var liveMessages = map[event.Name]string{
	event.WindowOpened:     "live.window-opened",
	event.WindowClosed:     "live.window-closed",
	event.WindowMoved:      "live.window-moved",
	event.DeadlineMoved:    "live.window-moved",
	event.OpeningMoved:     "live.opening-moved",
	event.StageStarted:     "live.stage-started",
	event.StageCompleted:   "live.stage-completed",
	event.StageRescheduled: "live.stage-rescheduled",
	event.StageCancelled:   "live.stage-cancelled",
	event.StageAdded:       "live.stage-added",
	event.DraftPublished:   "live.draft-published",
	event.ProcessCompleted: "live.process-completed",
}

func newLiveData(p *Page, titles map[string]string) liveData {
	d := liveData{Messages: map[string]string{}, Stages: titles}
	for ev, id := range liveMessages {
		d.Messages[string(ev)] = p.T(id)
	}
	return d
}

// ProcessID and ProcessTitle name the process for the shared templates.
func (v *processView) ProcessID() string    { return v.Status.ID }
func (v *processView) ProcessTitle() string { return v.Status.Title }

// Completed counts the stages completed.
func (v *processView) Completed() int { return v.Status.Counts[process.Completed] }

// PhaseTitle names a phase of the process.
func (v *processView) PhaseTitle(id string) string {
	for _, ph := range v.Phases {
		if ph.ID == id {
			return ph.Title
		}
	}
	return humanize(id)
}
