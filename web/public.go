package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
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

// publicRoutes registers the pages everyone may read: no sign-in needed.
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

// calendarMonth is one month of the calendar.
type calendarMonth struct {
	Month time.Time
	Items []calendarItem
}

// calendarItem is a stage's days or a window's deadline.
type calendarItem struct {
	Row      stageRow
	Deadline bool // the stage's contribution deadline rather than its days
	When     time.Time
}

type calendarView struct {
	*processView
	Months    []calendarMonth
	ICS       string       // the feed's path
	Subscribe template.URL // webcal:// for calendar applications that follow the feed
}

func (s *Site) calendarPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, v, err := s.loadProcess(r, id)
	if err != nil {
		return nil, err
	}
	var items []calendarItem
	for _, row := range v.Rows {
		if row.Status == process.Cancelled {
			continue
		}
		items = append(items, calendarItem{Row: row, When: row.Spec.Start.Time})
		if row.Spec.Window != nil {
			items = append(items, calendarItem{Row: row, Deadline: true, When: row.Spec.Window.Closes.Time})
		}
	}
	slices.SortStableFunc(items, func(a, b calendarItem) int { return a.When.Compare(b.When) })
	cv := calendarView{processView: v, ICS: client.ProcessPath(id, "calendar.ics"), Subscribe: template.URL("webcal://" + r.Host + client.ProcessPath(id, "calendar.ics"))} // net/http has checked Host
	for _, it := range items {
		m := time.Date(it.When.Year(), it.When.Month(), 1, 0, 0, 0, 0, time.UTC)
		if n := len(cv.Months); n == 0 || !cv.Months[n-1].Month.Equal(m) {
			cv.Months = append(cv.Months, calendarMonth{Month: m})
		}
		cv.Months[len(cv.Months)-1].Items = append(cv.Months[len(cv.Months)-1].Items, it)
	}
	p.Title = p.T("calendar.title", "process", v.Status.Title)
	p.Data = cv
	return p, nil
}

// MonthYear names a month as a heading: "May 2017".
func (p *Page) MonthYear(t time.Time) string { return p.loc.MonthYear(t) }

// stageView is the stage page.
type stageView struct {
	processRef
	Stage     wire.StageDetail
	Changes   []wire.ScheduleChange
	Documents []wire.Document
	Contribs  []wire.Contribution
	Filter    contributionFilter
	Next      string // the next page's after=
	Scanned   bool   // a search stopped before the end
}

// contributionFilter is the stage page's search form (a GET form).
type contributionFilter struct {
	Q, Party, Role string
	Attachment     bool
	After          string
}

// Any reports whether a filter is set.
func (f contributionFilter) Any() bool {
	return f.Q != "" || f.Party != "" || f.Role != "" || f.Attachment
}

// Link is the filter as a link's query, with after= for the next page.
func (f contributionFilter) Link(after string) template.URL {
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Q, "party": f.Party, "role": f.Role, "after": after} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Attachment {
		q.Set("attachment", "1")
	}
	return template.URL("?" + q.Encode()) // encoded above
}

// matches applies the filters the API does not: the text, the role, an
// attachment.
func (f contributionFilter) matches(c wire.Contribution) bool {
	if f.Role != "" && c.Role != f.Role {
		return false
	}
	if f.Attachment && c.Attachment == nil {
		return false
	}
	if f.Q == "" {
		return true
	}
	q := strings.ToLower(f.Q)
	return strings.Contains(strings.ToLower(c.Title+"\n"+c.Body+"\n"+c.Party+"\n"+c.Tracking), q)
}

// Pages of contributions the stage page reads: one page unfiltered, up to
// searchPages while filtering.
const (
	contributionsShown = 50
	searchPages        = 10
	searchPageSize     = 500
)

func (s *Site) stagePage(r *http.Request) (*Page, error) {
	id, stageID := r.PathValue("id"), r.PathValue("stage")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	a, ctx := s.api(r), r.Context()
	v := stageView{processRef: refOf(proc)}
	if v.Stage, err = a.Stage(ctx, id, stageID); err != nil {
		return nil, err
	}
	p.localStage(proc.TemplateID, &v.Stage.Spec)
	changes, err := a.Changes(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		if c.StageID == stageID {
			v.Changes = append(v.Changes, c)
		}
	}
	docs, err := a.Documents(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, d := range docs.Documents {
		if d.StageID == stageID {
			d.Title = p.localDocument(proc.TemplateID, d.StageID, d.Title)
			v.Documents = append(v.Documents, d)
		}
	}
	q := r.URL.Query()
	v.Filter = contributionFilter{Q: strings.TrimSpace(q.Get("q")), Party: strings.TrimSpace(q.Get("party")),
		Role: q.Get("role"), Attachment: q.Get("attachment") != "", After: q.Get("after")}
	if err := s.findContributions(r, id, stageID, &v); err != nil {
		return nil, err
	}
	p.Title = v.Stage.Spec.Title
	p.Data = v
	return p, nil
}

// findContributions fills a page of the stage's contributions that match
// the filter. The API filters by party; the text, role and attachment are
// filtered here, over at most searchPages pages.
func (s *Site) findContributions(r *http.Request, id, stageID string, v *stageView) error {
	f := v.Filter
	after := f.After
	limit := contributionsShown
	if f.Q != "" || f.Role != "" || f.Attachment {
		limit = searchPageSize
	}
	for range searchPages {
		page, err := s.api(r).Contributions(r.Context(), id, wire.ContributionFilter{StageID: stageID, Party: f.Party, After: after, Limit: limit})
		if err != nil {
			return err
		}
		for _, c := range page.Contributions {
			if !f.matches(c) {
				continue
			}
			v.Contribs = append(v.Contribs, c)
			if len(v.Contribs) == contributionsShown {
				v.Next = c.Tracking
				return nil
			}
		}
		if page.Next == "" {
			return nil
		}
		after = page.Next
		if limit == contributionsShown {
			v.Next = after
			return nil
		}
	}
	v.Next, v.Scanned = after, true
	return nil
}

// documentsView lists a process's documents by name, each name's
// revisions in order.
type documentsView struct {
	processRef
	Groups []documentGroup
}

type documentGroup struct {
	Name      string
	Revisions []wire.Document
}

func (s *Site) documentsPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	docs, err := s.api(r).Documents(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := documentsView{processRef: refOf(proc)}
	for _, d := range docs.Documents {
		d.Title = p.localDocument(proc.TemplateID, d.StageID, d.Title)
		i := slices.IndexFunc(v.Groups, func(g documentGroup) bool { return g.Name == d.Name })
		if i < 0 {
			i = len(v.Groups)
			v.Groups = append(v.Groups, documentGroup{Name: d.Name})
		}
		v.Groups[i].Revisions = append(v.Groups[i].Revisions, d)
	}
	for _, g := range v.Groups {
		slices.SortFunc(g.Revisions, func(a, b wire.Document) int { return cmp.Compare(a.Revision, b.Revision) })
	}
	p.Title = p.T("documents.title", "process", proc.Title)
	p.Data = v
	return p, nil
}

// revisionParam is a revision as the page's URL gives it; one that is no
// number is -1, for the API to refuse in its own words.
func revisionParam(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

type documentPageView struct {
	processRef
	Doc wire.Document
}

func (s *Site) documentPage(r *http.Request) (*Page, error) {
	id, name, rev := r.PathValue("id"), r.PathValue("name"), r.PathValue("revision")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	v := documentPageView{processRef: refOf(proc)}
	if v.Doc, err = s.api(r).Document(r.Context(), id, name, revisionParam(rev)); err != nil {
		return nil, err
	}
	v.Doc.Title = p.localDocument(proc.TemplateID, v.Doc.StageID, v.Doc.Title)
	p.Title = v.Doc.Title
	p.Data = v
	return p, nil
}

// diffRow is one line of the side-by-side diff: a paragraph kept, removed,
// added, or changed (removed beside added).
type diffRow struct {
	Op       string // "=", "-", "+", "~"
	Old, New *process.DiffOp
}

type diffView struct {
	processRef
	Diff      wire.DocumentDiff
	Rows      []diffRow
	Revisions []int // the name's revisions, for the form
}

func (s *Site) diffPage(r *http.Request) (*Page, error) {
	id, name := r.PathValue("id"), r.PathValue("name")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	a := s.api(r)
	docs, err := a.Documents(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := diffView{processRef: refOf(proc)}
	for _, d := range docs.Documents {
		if d.Name == name {
			v.Revisions = append(v.Revisions, d.Revision)
		}
	}
	slices.Sort(v.Revisions)
	q := r.URL.Query()
	if v.Diff, err = a.Diff(r.Context(), id, name, revisionParam(q.Get("from")), revisionParam(q.Get("to"))); err != nil {
		return nil, err
	}
	v.Rows = sideBySide(v.Diff.Ops)
	p.Title = p.T("documents.diff.title", "name", name, "from", v.Diff.From.Revision, "to", v.Diff.To.Revision)
	p.Data = v
	return p, nil
}

// sideBySide pairs the paragraphs removed between two kept ones with those
// added there, in order, so that a changed paragraph shows beside its new
// text.
func sideBySide(ops []process.DiffOp) []diffRow {
	var rows []diffRow
	for i := 0; i < len(ops); {
		if ops[i].Op == "=" {
			rows = append(rows, diffRow{Op: "=", Old: &ops[i], New: &ops[i]})
			i++
			continue
		}
		var del, ins []*process.DiffOp
		for ; i < len(ops) && ops[i].Op != "="; i++ {
			if ops[i].Op == "-" {
				del = append(del, &ops[i])
			} else {
				ins = append(ins, &ops[i])
			}
		}
		for j := range max(len(del), len(ins)) {
			row := diffRow{Op: "~"}
			if j < len(del) {
				row.Old = del[j]
			} else {
				row.Op = "+"
			}
			if j < len(ins) {
				row.New = ins[j]
			} else {
				row.Op = "-"
			}
			rows = append(rows, row)
		}
	}
	return rows
}

type recordView struct {
	processRef
	Verify  wire.Verification
	Entries []wire.RecordEntry
	Titles  map[string]string
	After   int64
	Next    int64
}

// recordPageSize is how many entries a page of the record shows.
const recordPageSize = 100

func (s *Site) recordPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	a, ctx := s.api(r), r.Context()
	v := recordView{processRef: refOf(proc), Titles: map[string]string{}}
	if v.Verify, err = a.VerifyRecord(ctx, id); err != nil {
		return nil, err
	}
	v.After, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	page, err := a.Record(ctx, id, max(v.After, 0), recordPageSize)
	if err != nil {
		return nil, err
	}
	v.Entries, v.Next = page.Entries, page.Next
	stages, err := a.Stages(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, st := range stages {
		p.localStage(proc.TemplateID, &st.Spec)
		v.Titles[st.Spec.ID] = st.Spec.Title
	}
	p.Title = p.T("record.title", "process", proc.Title)
	p.Data = v
	return p, nil
}

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
	event.VenueChanged:           "event.venue-changed",
	event.ModalityOverridden:     "event.modality-overridden",
}

type dataView struct {
	processRef
	Verify wire.Verification
}

func (s *Site) dataPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	v := dataView{processRef: refOf(proc)}
	if v.Verify, err = s.api(r).VerifyRecord(r.Context(), id); err != nil {
		return nil, err
	}
	p.Title = p.T("data.title", "process", proc.Title)
	p.Data = v
	return p, nil
}

type modalitiesView struct {
	processRef
	Rules []wire.Modality
}

// modalitiesPage shows the rules the process runs under, each with its
// source and whether it was kept, set aside (and why) or only declared.
func (s *Site) modalitiesPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	m, err := s.api(r).Modalities(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p.Title = p.T("modalities.title", "process", proc.Title)
	p.Data = modalitiesView{processRef: refOf(proc), Rules: m.Rules}
	return p, nil
}

// Days are a stage's days: "8 May 2017", or "8 May 2017 – 9 May 2017".
func (p *Page) Days(spec process.StageSpec) template.HTML {
	first := p.When(spec.Start)
	if spec.End.IsZero() || spec.End.Equal(spec.Start.Time) {
		return first
	}
	return p.TH("date.range", "from", first, "to", p.When(spec.End))
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

// StageKind names a kind of stage in the page's language.
func (p *Page) StageKind(k process.StageKind) string { return p.T("stage.kind." + string(k)) }

// StageStatus names a stage's status in the page's language.
func (p *Page) StageStatus(st process.StageStatus) string { return p.T("stage.status." + string(st)) }

// shortHash is the first 12 characters of a hash, for tables.
func shortHash(h string) string { return h[:min(12, len(h))] }
