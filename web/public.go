package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// publicRoutes registers the pages everyone may read: no sign-in needed.
// Each page is in the file named after its template (public_record.go
// for public_record.html); what several pages share is here.
func (s *Site) publicRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.show("public_processes", s.processesPage))
	mux.HandleFunc("GET /processes/{id}", s.show("public_process", s.processPage))
	mux.HandleFunc("GET /processes/{id}/status", s.statusFragment)
	mux.HandleFunc("GET /processes/{id}/calendar", s.show("public_calendar", s.calendarPage))
	mux.HandleFunc("GET /processes/{id}/stages/{stage}", s.show("public_stage", s.stagePage))
	mux.HandleFunc("GET /processes/{id}/documents", s.show("public_documents", s.documentsPage))
	mux.HandleFunc("GET /processes/{id}/documents/{name}/diff", s.show("public_diff", s.diffPage))
	mux.HandleFunc("GET /processes/{id}/documents/{name}/{revision}", s.show("public_document", s.documentPage))
	mux.HandleFunc("GET /processes/{id}/record", s.show("public_record", s.recordPage))
	mux.HandleFunc("GET /processes/{id}/data", s.show("public_data", s.dataPage))
	mux.HandleFunc("GET /processes/{id}/modalities", s.show("public_modalities", s.modalitiesPage))
	s.textRoutes(mux)
}

// processRef names the process a page is about, for its crumb and its
// navigation (templates/_process.html).
type processRef struct {
	ProcessID, ProcessTitle string
}

func refOf(st wire.ProcessStatus) processRef {
	return processRef{ProcessID: st.ID, ProcessTitle: st.Title}
}

func (s *Site) processesPage(r *http.Request) (*Page, error) {
	p, list, err := s.withProcesses(r)
	if err != nil {
		return nil, err
	}
	p.Title = p.T("home.title")
	p.Data = list
	return p, nil
}

// MonthYear names a month as a heading: "May 2017".
func (p *Page) MonthYear(t time.Time) string { return p.loc.MonthYear(t) }

// EventName is an event in the page's language, or as recorded when it has
// no message.
func (p *Page) EventName(name string) string {
	if id, ok := eventMessages[event.Name(name)]; ok {
		return p.T(id)
	}
	return name
}

// eventMessages name the record's events.
var eventMessages = map[event.Name]string{
	event.ProcessCreated:         "event.process-created",
	event.ProcessCompleted:       "event.process-completed",
	event.StageAnnounced:         "event.stage-announced",
	event.StageStarted:           "event.stage-started",
	event.StageCompleted:         "event.stage-completed",
	event.StageFailed:            "event.stage-failed",
	event.StageRescheduled:       "event.stage-rescheduled",
	event.StageCancelled:         "event.stage-cancelled",
	event.StageAdded:             "event.stage-added",
	event.WindowOpened:           "event.window-opened",
	event.WindowClosed:           "event.window-closed",
	event.WindowMoved:            "event.window-moved",
	event.WindowReminder:         "event.window-reminder",
	event.DeadlineMoved:          "event.deadline-moved",
	event.OpeningMoved:           "event.opening-moved",
	event.DraftPublished:         "event.draft-published",
	event.SilencePlaced:          "event.silence-placed",
	event.SilenceBroken:          "event.silence-broken",
	event.SilencePassed:          "event.silence-passed",
	event.SilenceEnded:           "event.silence-ended",
	event.AmendmentsClosed:       "event.amendments-closed",
	event.SummaryRecorded:        "event.summary-recorded",
	event.SessionOpened:          "event.session-opened",
	event.SessionHeld:            "event.session-held",
	event.MilestoneReached:       "event.milestone-reached",
	event.ListCirculated:         "event.list-circulated",
	event.ListDecided:            "event.list-decided",
	event.ObjectionRecorded:      "event.objection-recorded",
	event.ECOSOCChecked:          "event.ecosoc-checked",
	event.ECOSOCReviewed:         "event.ecosoc-reviewed",
	event.CoFacilitatorAppointed: "event.co-facilitator-appointed",
	event.ChairAppointed:         "event.chair-appointed",
	event.StageChaired:           "event.stage-chaired",
	event.VenueChanged:           "event.venue-changed",
	event.ModalityOverridden:     "event.modality-overridden",
}

// Days are a stage's days: "8 May 2017", or "8 May 2017 – 9 May 2017".
func (p *Page) Days(spec process.StageSpec) template.HTML {
	first := p.When(spec.Start)
	if spec.End.IsZero() || spec.End.Equal(spec.Start.Time) {
		return first
	}
	return p.TH("date.range", "from", first, "to", p.When(spec.End))
}

// StageKind names a kind of stage in the page's language.
func (p *Page) StageKind(k process.StageKind) string { return p.T("stage.kind." + string(k)) }

// StageStatus names a stage's status in the page's language.
func (p *Page) StageStatus(st process.StageStatus) string { return p.T("stage.status." + string(st)) }

// shortHash is the first 12 characters of a hash, for tables.
func shortHash(h string) string { return h[:min(12, len(h))] }
