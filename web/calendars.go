package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// The calendar of every process together: where the office sees two
// processes meet at one venue at once, and delegations following several
// processes subscribe once.

func (s *Site) calendarsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /calendar", s.show("public_calendars", s.calendarsPage))
}

// calendarsView is templates/public_calendars.html's.
type calendarsView struct {
	Months    []meetingsMonth
	Titles    map[string]string // process titles by ID
	ICS       string
	Subscribe template.URL
}

// meetingsMonth is a month of meetings across processes.
type meetingsMonth struct {
	Month    time.Time
	Meetings []wire.ScheduledStage
}

// ClashesWith names, for a clash, the meeting it is with.
func (v calendarsView) ClashesWith(c process.Clash) string {
	return c.Title + " (" + v.Titles[c.ProcessID] + ")"
}

func (s *Site) calendarsPage(r *http.Request) (*Page, error) {
	api := s.api(r)
	cal, err := api.OfficeCalendar(r.Context(), r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return nil, err
	}
	list, err := api.Processes(r.Context())
	if err != nil {
		return nil, err
	}
	p := s.newPage(r)
	v := calendarsView{Titles: map[string]string{}, ICS: "/v1/calendar.ics", Subscribe: template.URL("webcal://" + r.Host + "/v1/calendar.ics")} // net/http has checked Host
	templateOf := map[string]string{}
	for _, st := range list {
		p.localStatus(&st)
		v.Titles[st.ID], templateOf[st.ID] = st.Title, st.TemplateID
	}
	for _, m := range cal.Meetings {
		p.localStage(templateOf[m.ProcessID], &m.Spec)
		for i, c := range m.Clashes {
			spec := process.StageSpec{ID: c.StageID, Title: c.Title}
			p.localStage(templateOf[c.ProcessID], &spec)
			m.Clashes[i].Title = spec.Title
		}
		start := m.Spec.Start.Time
		month := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
		if n := len(v.Months); n == 0 || !v.Months[n-1].Month.Equal(month) {
			v.Months = append(v.Months, meetingsMonth{Month: month})
		}
		v.Months[len(v.Months)-1].Meetings = append(v.Months[len(v.Months)-1].Meetings, m)
	}
	p.Title = p.T("calendars.title")
	p.Data = v
	return p, nil
}
