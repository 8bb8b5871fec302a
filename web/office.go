package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// officeRoutes registers the PGA office's pages: the schedule (add,
// reschedule, cancel stages), windows, accreditation lists, drafts,
// outcomes and co-facilitators. Each form posts to the API as the user;
// the engine's refusal is shown with the form, and nothing changes.
func (s *Site) officeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /office", s.show("office_home", s.officeHome, rolePGAOffice))
	mux.HandleFunc("GET /office/processes/new", s.show("office_create", s.createForm, rolePGAOffice))
	mux.HandleFunc("POST /office/processes/new", s.create)
	mux.HandleFunc("GET /office/processes/{id}", s.show("office_process", s.officeProcess, rolePGAOffice, roleCoFacilitator))
	mux.HandleFunc("GET /office/processes/{id}/deliveries", s.show("office_deliveries", s.deliveriesPage, rolePGAOffice))
	mux.HandleFunc("GET /office/processes/{id}/applications", s.show("office_applications", s.applicationsPage, rolePGAOffice))
	mux.HandleFunc("GET /office/processes/{id}/stages/new", s.show("office_add", s.addStageForm, rolePGAOffice))
	mux.HandleFunc("POST /office/processes/{id}/stages/new", s.addStage)
	mux.HandleFunc("GET /office/processes/{id}/co-facilitators", s.show("office_appoint", s.appointForm, rolePGAOffice))
	mux.HandleFunc("POST /office/processes/{id}/co-facilitators", s.appoint)
	mux.HandleFunc("POST /office/processes/{id}/stages/{stage}/circulate/ecosoc", s.reviewECOSOC)
	for _, f := range stageForms {
		mux.HandleFunc("GET /office/processes/{id}/stages/{stage}/"+f.name, s.show("office_"+f.name, s.stageFormPage(f), f.roles...))
		mux.HandleFunc("POST /office/processes/{id}/stages/{stage}/"+f.name, func(w http.ResponseWriter, r *http.Request) {
			s.postStageForm(w, r, f)
		})
	}
}

// officePath is a process's page in the office.
func officePath(processID string, segments ...string) string {
	p := "/office/processes/" + url.PathEscape(processID)
	for _, s := range segments {
		p += "/" + url.PathEscape(s)
	}
	return p
}

// serves reports whether the session acts for the process: the PGA's
// office for all, a co-facilitator for the one its token names.
func serves(ss *Session, processID string) bool {
	return ss.Role == rolePGAOffice || (ss.Role == roleCoFacilitator && ss.ProcessID == processID)
}

// officeStage is one row of the office's schedule, with the forms that may
// act on it as things stand.
type officeStage struct {
	process.Stage
	Actions []actionLink
}

// officeData is templates/office_process.html's.
type officeData struct {
	Process        wire.ProcessStatus
	Stages         []officeStage
	CoFacilitators []string
	Notice         string // what the last form did
}

// notices say what a form did, by the form's name.
var notices = map[string]string{
	"add":              "office.done.add",
	"appoint":          "office.done.appoint",
	"reschedule":       "office.done.reschedule",
	"move":             "office.done.move",
	"extend":           "office.done.extend",
	"venue":            "office.done.venue",
	"cancel":           "office.done.cancel",
	"window":           "office.done.window",
	"circulate":        "office.done.circulate",
	"draft":            "office.done.draft",
	"outcome":          "office.done.outcome",
	"ecosoc-confirmed": "office.done.ecosoc-confirmed",
	"ecosoc-refused":   "office.done.ecosoc-refused",
	"created":          "office.done.created",
}

// officePageOn starts an office page about process id, for a user who acts
// for it (serves).
func (s *Site) officePageOn(r *http.Request, id string) (*Page, wire.ProcessStatus, error) {
	if !serves(s.session(r), id) {
		return nil, wire.ProcessStatus{}, &Problem{Status: http.StatusForbidden, Title: http.StatusText(http.StatusForbidden)}
	}
	return s.pageOn(r, id)
}

// coFacilitators are the States the record says were appointed by process
// time now, with their representatives' names where it gives them. An
// appointment dated later is not shown before its day, though the record
// may hold it from earlier: the office's, announced ahead, or a template's
// recorded at the origin before its date (before dated-appointments).
func (s *Site) coFacilitators(r *http.Request, processID string, now time.Time) ([]string, error) {
	changes, err := s.api(r).Changes(r.Context(), processID)
	if err != nil {
		return nil, err
	}
	today := now.UTC().Format(time.DateOnly)
	var out []string
	for _, c := range changes {
		switch d := c.Details(); {
		case event.Name(c.Event) != event.CoFacilitatorAppointed || d.State == "" || d.Date > today:
		case d.Person != "":
			out = append(out, d.Person+" ("+d.State+")")
		default:
			out = append(out, d.State)
		}
	}
	return out, nil
}

func (s *Site) officeProcess(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.officePageOn(r, id)
	if err != nil {
		return nil, err
	}
	stages, err := s.api(r).Stages(r.Context(), id)
	if err != nil {
		return nil, err
	}
	d := officeData{Process: proc}
	if d.CoFacilitators, err = s.coFacilitators(r, id, p.Now); err != nil {
		return nil, err
	}
	for _, st := range stages {
		p.localStage(proc.TemplateID, &st.Spec)
		d.Stages = append(d.Stages, officeStage{Stage: st, Actions: stageActions(p, p.Session, st)})
	}
	if key, ok := notices[r.URL.Query().Get("done")]; ok {
		q := r.URL.Query()
		d.Notice = p.T(key, "stage", q.Get("stage"), "state", q.Get("state"), "list", q.Get("list"), "party", q.Get("party"))
	}
	p.Title = p.T("office.process.title", "process", proc.Title)
	p.Data = d
	return p, nil
}

// stageActions are the forms that may act on a stage now: the engine
// still has the last word.
func stageActions(p *Page, ss *Session, st process.Stage) []actionLink {
	var names []string
	scheduled, running := st.Status == process.Scheduled, st.Status == process.Running
	kind := st.Spec.Kind
	if ss.Role == rolePGAOffice {
		if scheduled {
			names = append(names, "reschedule", "cancel")
		}
		if scheduled || running && kind.Steerable() {
			names = append(names, "move", "extend", "venue")
		}
		if st.Spec.Window != nil && (scheduled || running) || running && (kind == process.NegotiationRound || kind == process.Draft) {
			names = append(names, "window")
		}
		if running && kind == process.AccreditationWindow {
			names = append(names, "circulate")
		}
		if running && (kind == process.Conference || kind == process.Endorsement) {
			names = append(names, "outcome")
		}
	}
	if running && kind == process.Draft {
		names = append(names, "draft")
	}
	var links []actionLink
	for _, n := range names {
		f := stageFormNamed(n)
		links = append(links, actionLink{ID: n + "-" + st.Spec.ID, Label: p.T(f.link), URL: officePath(st.ProcessID, "stages", st.Spec.ID, n)})
	}
	return links
}

// stageForm is one of the office's forms on a stage: its page
// (templates/office_<name>.html, at …/stages/{stage}/<name>), the API call
// it makes and its controls, where the API's field errors go.
type stageForm struct {
	name   string
	title  string // the page's title, a message with {stage}
	link   string // the link's text on the schedule
	api    string // the API's path under the stage
	roles  []string
	fields []string // the form's controls, where the API's field errors go
	// load reads more for the page; nil when the stage is enough.
	load func(s *Site, r *http.Request, d *stageFormData) error
	// body is the API's JSON body from the form; false when a check of the
	// page's own (a number that is none) refused it, in p.Form.Errors.
	body func(r *http.Request, p *Page) (any, bool)
	// preview, when set, shows what the form would do first: the form is
	// sent on only once the user confirms (confirm=true).
	preview func(s *Site, r *http.Request, d *stageFormData) error
	// checks: the form offers to check the change's order first (a dry run).
	checks bool
}

// stageFormData is what every stage form's page gets.
type stageFormData struct {
	Process      wire.ProcessStatus
	Stage        wire.StageDetail
	Applications []process.Application // circulate: those waiting
	Reviews      []process.Application // circulate: claims of ECOSOC status the office reviews
	States       []process.MemberState // outcome: the recorded vote
	Revision     int                   // draft: the revision this stage publishes, by the schedule
	Preview      *draftPreview         // draft: the differences the typed draft makes, before it goes out
	Check        *sequenceCheck        // move, extend, reschedule: what the change would take out of order
}

// WindowCanOpen says whether the window form offers to open the window or
// move its opening: a scheduled stage's, or a running accreditation
// stage's that has not opened yet.
func (d stageFormData) WindowCanOpen() bool {
	switch {
	case d.Stage.Status == process.Scheduled:
		return true
	case d.Stage.Status == process.Running && d.Stage.Spec.Kind == process.AccreditationWindow:
		return d.Stage.Window == nil || d.Stage.Window.State == process.WindowScheduled
	}
	return false
}

// WindowValue is the window's opening or deadline (name) as the window
// form's control shows it before the office types: the local date and
// time in the stage's venue zone, which its label names.
func (d stageFormData) WindowValue(name string) string {
	w := d.Stage.Spec.Window
	if w == nil {
		return ""
	}
	t := w.Opens.Time
	if name == "closes" {
		t = w.Closes.Time
	}
	return localValue(t, d.Stage.Spec.TimeZone)
}

var stageForms = []stageForm{
	{
		name: "move", title: "office.move.title", link: "office.move.link", api: "move",
		roles: []string{rolePGAOffice}, checks: true,
		fields: []string{"start", "end", "reason", "overrideRule", "overrideReason"},
		body: func(r *http.Request, p *Page) (any, bool) {
			return withOverride(withOptional(map[string]any{"start": r.PostFormValue("start"), "reason": r.PostFormValue("reason")}, r, "end"), r), true
		},
	},
	{
		name: "extend", title: "office.extend.title", link: "office.extend.link", api: "extend",
		roles: []string{rolePGAOffice}, checks: true,
		fields: []string{"days", "endNow", "reason", "overrideRule", "overrideReason"},
		body: func(r *http.Request, p *Page) (any, bool) {
			body := withOverride(map[string]any{"reason": r.PostFormValue("reason")}, r)
			if r.PostFormValue("endNow") == "true" {
				body["endNow"] = true
				return body, true
			}
			days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
			if err != nil {
				p.Form.Errors["days"] = p.T("office.number.invalid", "field", p.T("office.days.label"))
				return nil, false
			}
			body["days"] = days
			return body, true
		},
	},
	{
		name: "venue", title: "office.venue.title", link: "office.venue.link", api: "venue",
		roles:  []string{rolePGAOffice},
		fields: []string{"timeZone", "place", "reason"},
		body: func(r *http.Request, p *Page) (any, bool) {
			return map[string]any{"place": r.PostFormValue("place"), "timeZone": r.PostFormValue("timeZone"),
				"reason": r.PostFormValue("reason")}, true
		},
	},
	{
		name: "reschedule", title: "office.reschedule.title", link: "office.reschedule.link", api: "reschedule",
		roles: []string{rolePGAOffice}, checks: true,
		fields: []string{"start", "end", "reason", "overrideRule", "overrideReason"},
		body: func(r *http.Request, p *Page) (any, bool) {
			return withOverride(withOptional(map[string]any{"start": r.PostFormValue("start")}, r, "end", "reason"), r), true
		},
	},
	{
		name: "cancel", title: "office.cancel.title", link: "office.cancel.link", api: "cancel",
		roles:  []string{rolePGAOffice},
		fields: []string{"reason"},
		body: func(r *http.Request, p *Page) (any, bool) {
			return withOptional(map[string]any{}, r, "reason"), true
		},
	},
	{
		name: "window", title: "office.window.title", link: "office.window.link", api: "window",
		roles:  []string{rolePGAOffice},
		fields: []string{"closes", "close", "opens", "reason"},
		body: func(r *http.Request, p *Page) (any, bool) {
			if r.PostFormValue("close") == "true" && r.PostFormValue("open") != "true" {
				return withOptional(map[string]any{"close": true}, r, "reason"), true
			}
			// "Open now" is a button of its own; the fields go with it for
			// the engine to judge. The controls show the window's times
			// before the office types: those it left as they were are no
			// change, and go unsent.
			body := withOptional(map[string]any{}, r, "reason")
			if r.PostFormValue("open") == "true" {
				body["open"] = true
			}
			d := p.Data.(*stageFormData)
			for _, f := range []string{"opens", "closes"} {
				if v := strings.TrimSpace(r.PostFormValue(f)); v != "" && v != d.WindowValue(f) {
					body[f] = zonedTime(v, d.Stage.Spec.TimeZone)
				}
			}
			return body, true
		},
	},
	{
		name: "circulate", title: "office.circulate.title", link: "office.circulate.link", api: "circulate",
		roles:  []string{rolePGAOffice},
		fields: []string{"reason", "overrideRule", "overrideReason"},
		load: func(s *Site, r *http.Request, d *stageFormData) error {
			var err error
			if d.Applications, err = s.api(r).Applications(r.Context(), d.Stage.ProcessID, d.Stage.Spec.List.Or(), process.Applied); err != nil {
				return err
			}
			d.Reviews, err = s.api(r).Applications(r.Context(), d.Stage.ProcessID, d.Stage.Spec.List.Or(), process.Review)
			return err
		},
		body: func(r *http.Request, p *Page) (any, bool) {
			return withOverride(withOptional(map[string]any{}, r, "reason"), r), true
		},
	},
	{
		name: "draft", title: "office.draft.title", link: "office.draft.link", api: "drafts",
		roles:  []string{rolePGAOffice, roleCoFacilitator},
		fields: []string{"revision", "paragraphs", "title", "symbol", "overrideRule", "overrideReason"},
		load: func(s *Site, r *http.Request, d *stageFormData) error {
			stages, err := s.api(r).Stages(r.Context(), d.Stage.ProcessID)
			if err != nil {
				return err
			}
			// Drafts are revisions 0, 1, … in the schedule's order.
			for _, st := range stages {
				if st.Spec.ID == d.Stage.Spec.ID {
					break
				}
				if st.Spec.Kind == process.Draft && st.Status != process.Cancelled {
					d.Revision++
				}
			}
			return nil
		},
		body: func(r *http.Request, p *Page) (any, bool) {
			rev, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("revision")))
			if err != nil {
				p.Form.Errors["revision"] = p.T("office.number.invalid", "field", p.T("office.revision.label"))
				return nil, false
			}
			return withOverride(withOptional(map[string]any{"revision": rev, "paragraphs": draftParagraphs(r)}, r, "title", "symbol"), r), true
		},
		preview: previewDraft,
	},
	{
		name: "outcome", title: "office.outcome.title", link: "office.outcome.link", api: "outcome",
		roles:  []string{rolePGAOffice},
		fields: []string{"method", "adoptedBy", "votes", "document"},
		load: func(s *Site, r *http.Request, d *stageFormData) error {
			d.States = process.MemberStates()
			return nil
		},
		body: func(r *http.Request, p *Page) (any, bool) {
			body := withOptional(map[string]any{"method": r.PostFormValue("method")}, r, "document")
			if v := strings.TrimSpace(r.PostFormValue("adoptedBy")); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					p.Form.Errors["adoptedBy"] = p.T("office.number.invalid", "field", p.T("office.adoptedby.label"))
					return nil, false
				}
				body["adoptedBy"] = n
			}
			votes := map[string]string{}
			for _, st := range process.MemberStates() {
				if v := r.PostFormValue("votes." + st.Code); v != "" {
					votes[st.Code] = v
				}
			}
			if len(votes) > 0 {
				body["votes"] = votes
			}
			return body, true
		},
	},
}

func stageFormNamed(name string) stageForm {
	i := slices.IndexFunc(stageForms, func(f stageForm) bool { return f.name == name })
	return stageForms[i]
}

// withOptional adds the form's non-empty fields to body.
func withOptional(body map[string]any, r *http.Request, names ...string) map[string]any {
	for _, n := range names {
		if v := strings.TrimSpace(r.PostFormValue(n)); v != "" {
			body[n] = v
		}
	}
	return body
}

// withOverride adds the form's override of a rule of the modalities to
// body, when the office gave one: the API judges it.
func withOverride(body map[string]any, r *http.Request) map[string]any {
	rule, reason := strings.TrimSpace(r.PostFormValue("overrideRule")), strings.TrimSpace(r.PostFormValue("overrideReason"))
	if rule != "" || reason != "" {
		body["override"] = map[string]string{"rule": rule, "reason": reason}
	}
	return body
}

// stageFormPage reads what form f's page shows.
func (s *Site) stageFormPage(f stageForm) func(*http.Request) (*Page, error) {
	return func(r *http.Request) (*Page, error) {
		id, stage := r.PathValue("id"), r.PathValue("stage")
		p, proc, err := s.officePageOn(r, id)
		if err != nil {
			return nil, err
		}
		d := &stageFormData{Process: proc}
		if d.Stage, err = s.api(r).Stage(r.Context(), id, stage); err != nil {
			return nil, err
		}
		p.localStage(proc.TemplateID, &d.Stage.Spec)
		if f.load != nil {
			if err := f.load(s, r, d); err != nil {
				return nil, err
			}
		}
		p.Title = p.T(f.title, "stage", d.Stage.Spec.Title)
		p.Data = d
		return p, nil
	}
}

func (s *Site) postStageForm(w http.ResponseWriter, r *http.Request, f stageForm) {
	p, ok := s.read(w, r, s.stageFormPage(f), f.roles...)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	body, ok := f.body(r, p)
	if !ok {
		s.render(w, http.StatusUnprocessableEntity, "office_"+f.name, p)
		return
	}
	if f.preview != nil && r.PostFormValue("confirm") != "true" {
		if err := f.preview(s, r, p.Data.(*stageFormData)); err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, http.StatusOK, "office_"+f.name, p)
		return
	}
	id, stage := r.PathValue("id"), r.PathValue("stage")
	if d := p.Data.(*stageFormData); f.checks && checking(r) {
		var err error
		if d.Check, err = s.checkSchedule(r, p, d.Process.TemplateID, client.ProcessPath(id, "stages", stage, f.api), body); err != nil {
			s.refuse(w, "office_"+f.name, p, err, f.fields...)
			return
		}
		s.render(w, http.StatusOK, "office_"+f.name, p)
		return
	}
	var res wire.CirculateResult // a circulation's list; the other forms' answers do not say one
	if err := s.api(r).Call(r.Context(), http.MethodPost, client.ProcessPath(id, "stages", stage, f.api), body, &res); err != nil {
		s.refuse(w, "office_"+f.name, p, err, f.fields...)
		return
	}
	q := url.Values{"done": {f.name}, "stage": {p.Data.(*stageFormData).Stage.Spec.Title}}
	if res.List != "" {
		q.Set("list", res.List)
	}
	seeOther(w, r, officePath(id)+"?"+q.Encode())
}

// addStageData is templates/office_add.html's.
type addStageData struct {
	Process wire.ProcessStatus
	Phases  []string
	Kinds   []option
	Zone    string         // the venue's time zone a new stage takes unless the form chooses another
	Check   *sequenceCheck // what the stage would take out of order, when the office asked
}

// ChosenZone is the time zone the form's window times are in: the one it
// chose, or else the default.
func (d addStageData) ChosenZone(p *Page) string {
	if v := strings.TrimSpace(p.Form.Value("timeZone")); v != "" {
		return v
	}
	return d.Zone
}

// usualZone is the time zone of the venue most of a process's stages meet
// in, the first met of those as many: where a new stage most likely meets.
func usualZone(stages []process.Stage) string {
	count, best := map[string]int{}, ""
	for _, st := range stages {
		if st.Status == process.Cancelled {
			continue
		}
		z := st.Spec.TimeZone
		if count[z]++; count[z] > count[best] {
			best = z
		}
	}
	return best
}

// addStageFields are the form's controls: the stage's fields and its window's.
var addStageFields = []string{"phase", "id", "kind", "title", "code", "opens", "closes", "start", "end", "theme", "place", "timeZone", "reason",
	"overrideRule", "overrideReason"}

func (s *Site) addStageForm(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	stages, err := s.api(r).Stages(r.Context(), id)
	if err != nil {
		return nil, err
	}
	d := addStageData{Process: proc, Zone: usualZone(stages)}
	byTemplate := slices.Clone(stages)
	slices.SortStableFunc(byTemplate, func(a, b process.Stage) int { return a.Seq - b.Seq })
	for _, st := range byTemplate {
		if !slices.Contains(d.Phases, st.Phase) {
			d.Phases = append(d.Phases, st.Phase)
		}
	}
	for _, k := range []process.StageKind{process.ThematicSession, process.RegionalConsultation, process.Hearing,
		process.Stocktaking, process.AccreditationWindow, process.Milestone, process.Draft, process.NegotiationRound,
		process.Conference, process.Endorsement, process.Silence} {
		d.Kinds = append(d.Kinds, option{string(k), p.StageKind(k)})
	}
	p.Title = p.T("office.add.title", "process", proc.Title)
	p.Data = d
	return p, nil
}

// addStage sends the form as {phase, reason, stage: {id, kind, …,
// window: {opens, closes}}}: a stage with a window opens it for
// contributions at its time.
func (s *Site) addStage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.read(w, r, s.addStageForm, rolePGAOffice)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	stage := withOptional(map[string]any{"id": r.PostFormValue("id"), "kind": r.PostFormValue("kind"),
		"title": r.PostFormValue("title"), "start": r.PostFormValue("start")}, r, "theme", "place", "end", "code")
	// The window's times are in the zone the form chose, the stage's.
	zone := p.Data.(addStageData).Zone
	if v := strings.TrimSpace(r.PostFormValue("timeZone")); v != "" {
		zone = v
	}
	if zone != "" {
		stage["timeZone"] = zone
	}
	if opens, closes := zonedTime(r.PostFormValue("opens"), zone), zonedTime(r.PostFormValue("closes"), zone); opens != "" || closes != "" {
		window := map[string]any{}
		for k, v := range map[string]string{"opens": opens, "closes": closes} {
			if v != "" {
				window[k] = v
			}
		}
		stage["window"] = window
	}
	body := withOverride(withOptional(map[string]any{"phase": r.PostFormValue("phase"), "stage": stage}, r, "reason"), r)
	id := r.PathValue("id")
	if d := p.Data.(addStageData); checking(r) {
		var err error
		if d.Check, err = s.checkSchedule(r, p, d.Process.TemplateID, client.ProcessPath(id, "stages"), body); err != nil {
			s.refuse(w, "office_add", p, err, addStageFields...)
			return
		}
		p.Data = d
		s.render(w, http.StatusOK, "office_add", p)
		return
	}
	var added process.Stage
	if err := s.api(r).Call(r.Context(), http.MethodPost, client.ProcessPath(id, "stages"), body, &added); err != nil {
		s.refuse(w, "office_add", p, err, addStageFields...)
		return
	}
	seeOther(w, r, officePath(id)+"?"+url.Values{"done": {"add"}, "stage": {added.Spec.Title}}.Encode())
}

// createData is templates/office_create.html's: the built-in templates.
type createData struct {
	Templates []option
}

func (s *Site) createForm(r *http.Request) (*Page, error) {
	all, err := process.Templates()
	if err != nil {
		return nil, err
	}
	p := s.newPage(r)
	var d createData
	for _, t := range all {
		d.Templates = append(d.Templates, option{Value: t.ID, Label: p.words(t.TitleIn(p.Lang, t.Title))})
	}
	p.Title = p.T("office.create.title")
	p.Data = d
	return p, nil
}

// create starts a process from a built-in template, on its own calendar
// or shifted to start on a chosen day.
func (s *Site) create(w http.ResponseWriter, r *http.Request) {
	p, ok := s.read(w, r, s.createForm, rolePGAOffice)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	body := withOptional(map[string]any{"template": r.PostFormValue("template")}, r, "id", "code", "startsOn")
	var created process.Process
	if err := s.api(r).Call(r.Context(), http.MethodPost, "/v1/processes", body, &created); err != nil {
		s.refuse(w, "office_create", p, err, "template", "id", "code", "startsOn")
		return
	}
	seeOther(w, r, officePath(created.ID)+"?"+url.Values{"done": {"created"}}.Encode())
}

// appointData is templates/office_appoint.html's.
type appointData struct {
	Process        wire.ProcessStatus
	CoFacilitators []string
	States         []process.MemberState
	Stages         []option // the stage a chair chairs: none, the process
}

func (s *Site) appointForm(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	d := appointData{Process: proc, States: process.MemberStates(), Stages: []option{{Value: "", Label: p.T("office.appoint.stage.none")}}}
	if d.CoFacilitators, err = s.coFacilitators(r, id, p.Now); err != nil {
		return nil, err
	}
	stages, err := s.api(r).Stages(r.Context(), id)
	if err != nil {
		return nil, err
	}
	for _, st := range stages {
		if st.Status != process.Cancelled {
			p.localStage(proc.TemplateID, &st.Spec)
			d.Stages = append(d.Stages, option{Value: st.Spec.ID, Label: st.Spec.Title})
		}
	}
	p.Title = p.T("office.appoint.title", "process", proc.Title)
	p.Data = d
	return p, nil
}

func (s *Site) appoint(w http.ResponseWriter, r *http.Request) {
	p, ok := s.read(w, r, s.appointForm, rolePGAOffice)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	id := r.PathValue("id")
	body := wire.AppointRequest{State: r.PostFormValue("state"), Role: r.PostFormValue("role"), Stage: r.PostFormValue("stage"),
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	if rule, reason := strings.TrimSpace(r.PostFormValue("overrideRule")), strings.TrimSpace(r.PostFormValue("overrideReason")); rule != "" || reason != "" {
		body.Override = &process.Override{Rule: rule, Reason: reason}
	}
	if _, err := s.api(r).Appoint(r.Context(), id, body); err != nil {
		s.refuse(w, "office_appoint", p, err, "state", "role", "stage", "reason", "overrideRule", "overrideReason")
		return
	}
	seeOther(w, r, officePath(id)+"?"+url.Values{"done": {"appoint"}, "state": {r.PostFormValue("state")}}.Encode())
}

// DateValue is a date control's value for a schedule's date.
func (p *Page) DateValue(d process.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.UTC().Format(time.DateOnly)
}

// localValue is an instant as a datetime-local control shows it: the
// date and time in the venue's zone (an IANA name; UTC when empty).
func localValue(t time.Time, zone string) string {
	loc, err := process.Zone(zone)
	if t.IsZero() || err != nil {
		return ""
	}
	return t.In(loc).Format(localLayout)
}

// localLayout is a datetime-local control's value, to the minute.
const localLayout = "2006-01-02T15:04"

// zonedTime turns a datetime-local control's value, a date and time in
// the venue's zone, into the instant, RFC 3339 with the zone's offset. A
// date alone goes as typed: the API reads it by the one deadline rule in
// the same zone (the start of the day for an opening, its end for a
// deadline), as anything else it judges.
func zonedTime(v, zone string) string {
	v = strings.TrimSpace(v)
	loc, err := process.Zone(zone)
	if err != nil {
		return v // the API refuses the zone
	}
	for _, layout := range []string{localLayout, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return v
}

// Checked reports whether the form, or else the default, chose value for
// the radio group or select name.
func (p *Page) Checked(name, value, def string) bool {
	if p.Form != nil && p.Form.Values.Has(name) {
		return p.Form.Value(name) == value
	}
	return value == def
}

// selectData is a labelled select (templates/_controls.html "select").
type selectData struct {
	fieldData
	Options []choice
}

// choice is one option of a select or one radio of a group.
type choice struct {
	ID, Value, Label string
	Checked          bool
}

// Select is the select name labelled by message labelID: the form's value
// chosen, or else def.
func (p *Page) Select(name, labelID string, options []option, def string) selectData {
	d := selectData{fieldData: fieldData{Name: name, Label: p.T(labelID), Error: p.Form.Error(name), p: p}}
	for _, o := range options {
		d.Options = append(d.Options, choice{Value: o.Value, Label: o.Label, Checked: p.Checked(name, o.Value, def)})
	}
	return d
}

// choicesData is a group of radios in a fieldset (templates/_controls.html
// "choices"); the first radio's id is the group's name, where the error
// summary links.
type choicesData struct {
	Name, Legend, Error, ErrorLang string
	Options                        []choice
}

// Choices is the radio group name under the legend legendID.
func (p *Page) Choices(name, legendID string, options []option, def string) choicesData {
	d := choicesData{Name: name, Legend: p.T(legendID), Error: p.Form.Error(name), ErrorLang: p.Form.ErrorLang(name)}
	for i, o := range options {
		id := name
		if i > 0 {
			id = name + "-" + o.Value
		}
		d.Options = append(d.Options, choice{ID: id, Value: o.Value, Label: o.Label, Checked: p.Checked(name, o.Value, def)})
	}
	return d
}

// Options pairs values with their labels' messages, given as value,
// message ID, value, message ID….
func (p *Page) Options(pairs ...string) []option {
	var out []option
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, option{Value: pairs[i], Label: p.T(pairs[i+1])})
	}
	return out
}

// StateOptions are the Member States to choose from, with none first.
func (p *Page) StateOptions() []option {
	out := []option{{Value: "", Label: p.T("office.state.none")}}
	for _, st := range process.MemberStates() {
		out = append(out, option{Value: st.Code, Label: st.Name + " (" + st.Code + ")"})
	}
	return out
}

// RoleOptions are the roles the office appoints a State's representative to.
func (p *Page) RoleOptions() []option {
	out := make([]option, len(process.AppointmentRoles))
	for i, r := range process.AppointmentRoles {
		out[i] = option{Value: r, Label: p.T("role." + r)}
	}
	return out
}

// PhaseOptions are a process's phases to choose from.
func (p *Page) PhaseOptions(phases []string) []option {
	out := make([]option, len(phases))
	for i, ph := range phases {
		out[i] = option{Value: ph, Label: ph}
	}
	return out
}

var windowStates = map[process.WindowState]string{
	process.WindowScheduled: "office.intake.scheduled",
	process.WindowPending:   "office.intake.pending",
	process.WindowOpen:      "office.intake.open",
	process.WindowSealed:    "office.intake.sealed",
	process.WindowCancelled: "office.intake.cancelled",
}

// WindowState says where the intake has a window.
func (p *Page) WindowState(st process.WindowState) string { return p.T(windowStates[st]) }
