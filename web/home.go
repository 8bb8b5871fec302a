package web

import (
	"cmp"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// homeOf is where a role lands after signing in: the work it does.
func homeOf(ss Session) string {
	switch ss.Role {
	case rolePGAOffice:
		return "/office"
	case roleCoFacilitator:
		return officePath(ss.ProcessID)
	case roleMemberState:
		return "/my/text"
	case roleStakeholder:
		return "/my/contributions"
	}
	return "/"
}

// notificationFailed is the state of a notification given up on, as the
// API's delivery report names it.
const notificationFailed = "failed"

// agendaWeek is how far ahead the office's dashboard looks for deadlines.
const agendaWeek = 7 * 24 * time.Hour

// The kinds of the office's work, in the order the dashboard lists them.
const (
	agendaWindow       = "window"
	agendaDraft        = "draft"
	agendaApplications = "applications"
	agendaReviews      = "reviews"
	agendaObjections   = "objections"
	agendaDeliveries   = "deliveries"
	agendaClash        = "clash"
)

var agendaOrder = []string{agendaWindow, agendaDraft, agendaApplications, agendaReviews, agendaObjections, agendaDeliveries, agendaClash}

// agendaItem is one thing that needs the office, with the page where it
// is done.
type agendaItem struct {
	Kind    string
	ID      string        // unique on the page
	Process string        // the process's title
	Text    template.HTML // escaped by TH
	URL     string
	at      time.Time // for the order within a kind
}

// officeHomeData is templates/office_home.html's.
type officeHomeData struct {
	Agenda    []agendaItem
	Processes []wire.ProcessStatus
}

// officeHome is the office's dashboard: what needs it today in every
// process, then the processes themselves.
func (s *Site) officeHome(r *http.Request) (*Page, error) {
	p, list, err := s.withProcesses(r)
	if err != nil {
		return nil, err
	}
	d := officeHomeData{Processes: list}
	for _, pr := range list {
		items, err := s.processAgenda(r, p, pr.ID)
		if err != nil {
			return nil, err
		}
		for i := range items {
			items[i].Process = pr.Title // in the page's language
		}
		d.Agenda = append(d.Agenda, items...)
	}
	titles := map[string]string{}
	for _, pr := range list {
		titles[pr.ID] = pr.Title
	}
	clashes, err := s.clashAgenda(r, p, titles)
	if err != nil {
		return nil, err
	}
	d.Agenda = append(d.Agenda, clashes...)
	slices.SortStableFunc(d.Agenda, func(x, y agendaItem) int {
		return cmp.Or(cmp.Compare(slices.Index(agendaOrder, x.Kind), slices.Index(agendaOrder, y.Kind)), x.at.Compare(y.at))
	})
	p.Title = p.T("office.home.title")
	p.Data = d
	return p, nil
}

// processAgenda is what needs the office in one process, read from the
// API as the office reads it: its stages, applications, text and outbox.
func (s *Site) processAgenda(r *http.Request, p *Page, id string) ([]agendaItem, error) {
	a, ctx := s.api(r), r.Context()
	proc, err := a.Process(ctx, id)
	if err != nil {
		return nil, err
	}
	now := p.Now
	if proc.Clock != nil { // the schedule is in the process's time
		now = proc.Clock.ProcessTime(now)
	}
	stages, err := a.Stages(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []agendaItem
	item := func(kind, key, msg string, at time.Time, link string, args ...any) {
		out = append(out, agendaItem{Kind: kind, ID: "agenda-" + kind + "-" + id + key, Process: proc.Title,
			Text: p.TH(msg, args...), URL: link, at: at})
	}
	var accreditation, draft, draftTitle string // the running stages where applications and drafts are dealt with
	for _, st := range stages {
		running := st.Status == process.Running
		switch {
		case running && st.Spec.Kind == process.AccreditationWindow:
			accreditation = st.Spec.ID
		case running && st.Spec.Kind == process.Draft:
			draft, draftTitle = st.Spec.ID, st.Spec.Title
		}
		if w := st.Spec.Window; w != nil && (running || st.Status == process.Scheduled) &&
			!w.Closes.Before(now) && w.Closes.Before(now.Add(agendaWeek)) {
			item(agendaWindow, "-"+st.Spec.ID, "office.agenda.window", w.Closes.Time,
				officePath(id, "stages", st.Spec.ID, "window"), "stage", st.Spec.Title, "closes", p.DeadlineIn(w.Closes, st.Spec.TimeZone))
		}
	}
	listPage := officePath(id)
	if accreditation != "" {
		listPage = officePath(id, "stages", accreditation, "circulate")
	}
	for _, q := range []struct {
		state      process.ApplicationState
		kind, msg  string
		objections bool
	}{
		{process.Applied, agendaApplications, "office.agenda.applications", false},
		{process.Review, agendaReviews, "office.agenda.reviews", false},
		{process.Circulated, agendaObjections, "office.agenda.objections", true},
	} {
		apps, err := a.Applications(ctx, id, "", q.state)
		if err != nil {
			return nil, err
		}
		n := len(apps)
		if q.objections {
			n = 0
			for _, app := range apps {
				n += len(app.Objections)
			}
		}
		if n > 0 {
			link := listPage
			if q.objections {
				link = officePath(id, "applications")
			}
			item(q.kind, "", q.msg, time.Time{}, link, "count", n)
		}
	}
	if err := s.draftAgenda(r, id, draft, draftTitle, item); err != nil {
		return nil, err
	}
	rep, err := a.Deliveries(ctx, id, notificationFailed, "", 1)
	if err != nil {
		return nil, err
	}
	failing := 0
	for _, e := range rep.Endpoints {
		if e.Failures > 0 {
			failing++
		}
	}
	if n := rep.Counts[notificationFailed]; n > 0 || failing > 0 {
		item(agendaDeliveries, "", "office.agenda.deliveries", time.Time{}, officePath(id, "deliveries"), "count", n, "endpoints", failing)
	}
	return out, nil
}

// draftAgenda adds the draft stored but not yet issued, and a running
// draft stage with nothing published yet: both wait on the office.
func (s *Site) draftAgenda(r *http.Request, id, running, title string, item func(kind, key, msg string, at time.Time, link string, args ...any)) error {
	a, ctx := s.api(r), r.Context()
	form := officePath(id)
	if running != "" {
		form = officePath(id, "stages", running, "draft")
	}
	// The latest revision the office reads may be one not issued yet.
	latest, err := a.TextAmendments(ctx, id, client.Latest, 0, 1)
	switch {
	case isStatus(err, http.StatusNotFound): // no text yet
	case err != nil:
		return err
	default:
		rev, err := a.TextRevision(ctx, id, latest.Revision)
		if err != nil {
			return err
		}
		if rev.IssuedAt.IsZero() {
			item(agendaDraft, "-stored", "office.agenda.draft.stored", time.Time{}, form, "revision", rev.Number)
		}
	}
	if running == "" {
		return nil
	}
	docs, err := a.Documents(ctx, id)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(docs.Documents, func(d wire.Document) bool {
		return d.Name == workflows.DraftName && d.StageID == running && d.Published
	}) {
		item(agendaDraft, "-due", "office.agenda.draft.due", time.Time{}, form, "stage", title)
	}
	return nil
}

// clashAgenda lists the meetings of the coming year that clash with
// another process's, each pair once, naming both processes by their
// titles (in the page's language).
func (s *Site) clashAgenda(r *http.Request, p *Page, titles map[string]string) ([]agendaItem, error) {
	from := p.Now.Truncate(24 * time.Hour)
	cal, err := s.api(r).OfficeCalendar(r.Context(), from.Format(time.DateOnly), from.AddDate(1, 0, 0).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []agendaItem
	for _, m := range cal.Meetings {
		if m.Status == process.Cancelled || m.Status == process.Completed {
			continue
		}
		for _, c := range m.Clashes {
			key := m.ProcessID + "/" + m.Spec.ID + "|" + c.ProcessID + "/" + c.StageID
			if seen[c.ProcessID+"/"+c.StageID+"|"+m.ProcessID+"/"+m.Spec.ID] {
				continue
			}
			seen[key] = true
			out = append(out, agendaItem{Kind: agendaClash, ID: "agenda-clash-" + m.ProcessID + "-" + m.Spec.ID + "-" + c.ProcessID + "-" + c.StageID,
				Text: p.TH("office.agenda.clash", "stage", m.Spec.Title, "process", cmp.Or(titles[m.ProcessID], m.ProcessID),
					"other", c.Title, "otherProcess", cmp.Or(titles[c.ProcessID], c.ProcessID), "date", p.WhenOrTime(m.Spec.Start)),
				URL: officePath(m.ProcessID) + "#stage-" + url.PathEscape(m.Spec.ID), at: m.Spec.Start.Time})
		}
	}
	return out, nil
}

// deliveriesData is templates/office_deliveries.html's.
type deliveriesData struct {
	Process wire.ProcessStatus
	Report  wire.DeliveryReport
}

// deliveriesPage lists a process's notifications that failed and the
// endpoints that keep failing, for the office to follow up.
func (s *Site) deliveriesPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.officePageOn(r, id)
	if err != nil {
		return nil, err
	}
	d := deliveriesData{Process: proc}
	if d.Report, err = s.api(r).Deliveries(r.Context(), id, notificationFailed, r.URL.Query().Get("after"), 100); err != nil {
		return nil, err
	}
	d.Report.Endpoints = slices.DeleteFunc(d.Report.Endpoints, func(e wire.Endpoint) bool { return e.Failures == 0 })
	p.Title = p.T("office.deliveries.title", "process", proc.Title)
	p.Data = d
	return p, nil
}

// applicationsData is templates/office_applications.html's.
type applicationsData struct {
	Process      wire.ProcessStatus
	Applications []officeApplication
}

// officeApplication is an application as the office follows it: the end
// of its list's non-objection period and the objections, dated.
type officeApplication struct {
	process.Application
	PeriodEnds time.Time
	Zone       string // of the stage that keeps its list, in which PeriodEnds shows
	Objected   []datedObjection
}

// datedObjection is an objection with when the record has it made.
type datedObjection struct {
	process.Objection
	At time.Time
}

// applicationsPage lists a process's applications with the objections
// received on them: the office reads the reasons, which the record keeps
// out; the record gives the dates and the periods' ends.
func (s *Site) applicationsPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.officePageOn(r, id)
	if err != nil {
		return nil, err
	}
	apps, err := s.api(r).Applications(r.Context(), id, "", "")
	if err != nil {
		return nil, err
	}
	until, objected, err := s.accreditationDates(r, id)
	if err != nil {
		return nil, err
	}
	stages, err := s.api(r).Stages(r.Context(), id)
	if err != nil {
		return nil, err
	}
	d := applicationsData{Process: proc, Applications: make([]officeApplication, len(apps))}
	for i, a := range apps {
		oa := officeApplication{Application: a, PeriodEnds: until[a.List], Zone: listZone(stages, a.For)}
		for _, o := range a.Objections {
			oa.Objected = append(oa.Objected, datedObjection{Objection: o, At: objected[a.List+"/"+a.Party+"/"+o.State]})
		}
		d.Applications[i] = oa
	}
	p.Title = p.T("office.applications.title", "process", proc.Title)
	p.Data = d
	return p, nil
}

// accreditationDates reads from a process's record when each list's
// non-objection period ends and when each objection ("<list>/<party>/<state>",
// the batch it was circulated on telling a party's two lists apart) was made.
func (s *Site) accreditationDates(r *http.Request, id string) (until, objected map[string]time.Time, err error) {
	until, objected = map[string]time.Time{}, map[string]time.Time{}
	for after := int64(0); ; {
		page, err := s.api(r).Record(r.Context(), id, after, recordScanSize)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range page.Entries {
			switch event.Name(e.Event) {
			case event.ListCirculated:
				var l event.ListCirculatedData
				if json.Unmarshal(e.Data, &l) == nil {
					until[l.List] = l.Until
				}
			case event.ObjectionRecorded:
				var o event.ObjectionData
				at, perr := time.Parse(time.RFC3339, e.At)
				if json.Unmarshal(e.Data, &o) == nil && perr == nil {
					objected[o.List+"/"+o.Party+"/"+o.State] = at
				}
			}
		}
		if page.Next == 0 {
			return until, objected, nil
		}
		after = page.Next
	}
}

// recordScanSize is the page in which the applications page reads the
// record: the API's pages go up to 10000 entries.
const recordScanSize = 1000

// MemberStateName is a State's name and code, as the UN named it on the
// page's day (process time on a process's pages).
func (p *Page) MemberStateName(code string) string {
	if !process.IsMemberState(code) {
		return code
	}
	return process.StateNameOn(code, p.Now) + " (" + code + ")"
}
