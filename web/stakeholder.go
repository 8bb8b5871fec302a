package web

import (
	"crypto/rand"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// Roles as the API names them.
const (
	rolePGAOffice     = "pga-office"
	roleCoFacilitator = "co-facilitator"
	roleMemberState   = "member-state"
	roleStakeholder   = "stakeholder"
)

// stakeholderRoutes registers the stakeholders' pages: accreditation,
// contributions and their receipts. Member States contribute too, through
// the same pages.
func (s *Site) stakeholderRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /processes/{id}/accreditation", s.accreditationPage)
	mux.HandleFunc("POST /processes/{id}/accreditation", s.apply)
	mux.HandleFunc("GET /processes/{id}/contribute", s.show("stakeholder_windows", s.windowsPage, contributors...))
	mux.HandleFunc("GET /processes/{id}/stages/{stage}/contribute", s.contributePage)
	mux.HandleFunc("POST /processes/{id}/stages/{stage}/contribute", s.contribute)
	mux.HandleFunc("GET /my/contributions", s.show("stakeholder_contributions", s.myContributionsPage, contributors...))
	mux.HandleFunc("GET /my/contributions/{tracking}", s.show("stakeholder_receipt", s.receiptPage, contributors...))
	mux.HandleFunc("GET /my/contributions/{tracking}/withdraw", s.show("stakeholder_withdraw", s.withdrawal, contributors...))
	mux.HandleFunc("POST /my/contributions/{tracking}/withdraw", s.withdraw)
}

// contributors are the roles that contribute: stakeholders and Member
// States.
var contributors = []string{roleStakeholder, roleMemberState}

// signedInAs is the session when its role is one of roles. Signed out, the
// browser goes to sign in and comes back; with another role it gets the 403
// page. The API still decides every action.
func (s *Site) signedInAs(w http.ResponseWriter, r *http.Request, roles ...string) (*Session, bool) {
	ss := s.session(r)
	if ss == nil {
		seeOther(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()))
		return nil, false
	}
	if !slices.Contains(roles, ss.Role) {
		s.errorPage(w, r, http.StatusForbidden, "error.forbidden.title", "error.forbidden.text", nil)
		return nil, false
	}
	return ss, true
}

// refuse shows the form again after the API refused it: its reason, each
// field error on its control (one of controls, the form's), what the user
// typed. Unlike refused, it keeps the form for a 404 too: after the page's
// own reads succeeded, "no such phase" or "not on the list" is about the
// input, not a missing page.
func (s *Site) refuse(w http.ResponseWriter, name string, p *Page, err error, controls ...string) {
	var prob *Problem
	if !errors.As(err, &prob) {
		s.fail(w, p.r, err)
		return
	}
	if p.Form == nil {
		p.Form = NewForm(p.r)
	}
	p.Form.place(prob, controls)
	if prob.Status == http.StatusNotFound {
		p.Form.Problem = prob
		s.render(w, http.StatusNotFound, name, p)
		return
	}
	s.refused(w, name, p, err)
}

// actionLink is a link to a form the signed-in user may use.
type actionLink struct {
	ID, Label, URL string
}

// actionsData is templates/_actions.html's "process-actions".
type actionsData struct {
	Heading string
	Links   []actionLink
}

// Actions are the links from a process's overview to the forms the
// signed-in user may use on it; nil for observers and for those who may
// not act on it.
func (p *Page) Actions(processID string) *actionsData {
	if p.Session == nil {
		return nil
	}
	base := "/processes/" + url.PathEscape(processID)
	office := "/office/processes/" + url.PathEscape(processID)
	var links []actionLink
	switch p.Session.Role {
	case rolePGAOffice:
		links = []actionLink{{"action-office", p.T("office.actions.manage"), office}}
	case roleCoFacilitator:
		if p.Session.ProcessID == processID {
			links = []actionLink{{"action-office", p.T("office.actions.drafts"), office}}
		}
	case roleStakeholder:
		links = []actionLink{{"action-accreditation", p.T("stakeholder.actions.accreditation"), base + "/accreditation"}}
		fallthrough
	case roleMemberState:
		links = append(links, actionLink{"action-contribute", p.T("stakeholder.actions.contribute"), base + "/contribute"},
			actionLink{"action-my-contributions", p.T("stakeholder.actions.mine"), "/my/contributions"})
	}
	if links == nil {
		return nil
	}
	return &actionsData{Heading: p.T("stakeholder.actions.title"), Links: links}
}

// NavLinks are the main navigation's links for the signed-in user's role.
func (p *Page) NavLinks() []actionLink {
	if p.Session == nil {
		return nil
	}
	switch p.Session.Role {
	case rolePGAOffice:
		return []actionLink{{"nav-office", p.T("office.nav"), "/office"}}
	case roleMemberState:
		return []actionLink{{"nav-my-contributions", p.T("stakeholder.nav"), "/my/contributions"},
			{"nav-my-text", p.T("negotiation.nav"), "/my/text"}}
	case roleStakeholder:
		return []actionLink{{"nav-my-contributions", p.T("stakeholder.nav"), "/my/contributions"}}
	}
	return nil
}

// accreditationData is templates/stakeholder_accreditation.html's.
type accreditationData struct {
	Process     wire.ProcessStatus
	List        process.AccreditationList // the list shown, ?list= (preparatory by default)
	ListName    string
	Lists       []listLink           // both lists, when the process keeps a conference's
	Application *process.Application // nil before applying
	StateText   string
	StateHelp   string
	ECOSOCText  string    // the check of a claim of ECOSOC status
	PeriodEnds  time.Time // of its list's non-objection period, once circulated
	Zone        string    // the venue time zone of the stage that keeps the list, in which PeriodEnds shows
	Applied     bool      // just now: the page says so
	Categories  []option
}

// listZone is the venue time zone of the accreditation stage that keeps
// list, the first: the API names its non-objection period's end there.
func listZone(stages []process.Stage, list process.AccreditationList) string {
	for _, st := range stages {
		if st.Spec.Kind == process.AccreditationWindow && st.Spec.List.Or() == list.Or() {
			return st.Spec.TimeZone
		}
	}
	return ""
}

// listNames are the accreditation lists' names' keys.
var listNames = map[process.AccreditationList]string{
	process.PreparatoryList: "stakeholder.accreditation.list.preparatory",
	process.ConferenceList:  "stakeholder.accreditation.list.conference",
}

// listLink links to the accreditation page of one list.
type listLink struct {
	Label, URL string
	Current    bool
}

// option is one choice of a select or radio group.
type option struct {
	Value, Label string
}

var applicantCategories = []struct{ value, label string }{
	{"civil-society", "stakeholder.category.civil-society"},
	{"diaspora", "stakeholder.category.diaspora"},
	{"migrant-organisation", "stakeholder.category.migrant-organisation"},
	{"private-sector", "stakeholder.category.private-sector"},
	{"academia", "stakeholder.category.academia"},
}

var applicationStates = map[process.ApplicationState]string{
	process.Applied:    "stakeholder.accreditation.applied",
	process.Review:     "stakeholder.accreditation.review",
	process.Circulated: "stakeholder.accreditation.circulated",
	process.Approved:   "stakeholder.accreditation.approved",
	process.Rejected:   "stakeholder.accreditation.rejected",
}

var applicationHelp = map[process.ApplicationState]string{
	process.Applied:    "stakeholder.accreditation.applied.help",
	process.Review:     "stakeholder.accreditation.review.help",
	process.Circulated: "stakeholder.accreditation.circulated.help",
	process.Approved:   "stakeholder.accreditation.approved.help",
	process.Rejected:   "stakeholder.accreditation.rejected.help",
}

// matchResults say what the check of a claim of ECOSOC status found.
var matchResults = map[process.MatchResult]string{
	process.MatchExact:     "stakeholder.ecosoc.exact",
	process.MatchNear:      "stakeholder.ecosoc.near",
	process.MatchConfirmed: "stakeholder.ecosoc.confirmed",
	process.MatchRefused:   "stakeholder.ecosoc.refused",
	process.MatchNone:      "stakeholder.ecosoc.none",
}

// applyFields are the accreditation form's controls.
var applyFields = []string{"name", "category", "ecosoc"}

// accreditation reads what the accreditation page shows: the process and
// the user's own application, if any.
func (s *Site) accreditation(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	list := process.AccreditationList(r.FormValue("list"))
	if !list.Valid() {
		list = process.PreparatoryList
	}
	d := &accreditationData{Process: proc, List: list, ListName: p.T(listNames[list])}
	stages, err := s.api(r).Stages(r.Context(), id)
	if err != nil {
		return nil, err
	}
	d.Zone = listZone(stages, list)
	if slices.ContainsFunc(stages, func(sg process.Stage) bool {
		return sg.Spec.Kind == process.AccreditationWindow && sg.Spec.List == process.ConferenceList
	}) {
		for _, l := range []process.AccreditationList{process.PreparatoryList, process.ConferenceList} {
			d.Lists = append(d.Lists, listLink{p.T(listNames[l]), accreditationPath(id, l), l == list})
		}
	}
	switch a, err := s.api(r).ApplicationStanding(r.Context(), id, list, p.Session.Party); {
	case err == nil:
		d.Application, d.StateText, d.StateHelp = &a.Application, p.T(applicationStates[a.State]), p.T(applicationHelp[a.State])
		d.PeriodEnds = a.PeriodEnds
		if m := a.Match; m != nil {
			entry := ""
			if m.Entry != nil {
				entry = m.Entry.Name
			}
			d.ECOSOCText = p.T(matchResults[m.Result], "entry", entry, "date", p.Date(m.ListLoadedAt))
		}
	case !isStatus(err, http.StatusNotFound):
		return nil, err
	}
	for _, c := range applicantCategories {
		d.Categories = append(d.Categories, option{c.value, p.T(c.label)})
	}
	p.Title = p.T("stakeholder.accreditation.title", "process", d.Process.Title)
	p.Data = d
	return p, nil
}

func isStatus(err error, status int) bool {
	var prob *Problem
	return errors.As(err, &prob) && prob.Status == status
}

func (s *Site) accreditationPage(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.read(w, r, s.accreditation, roleStakeholder); ok {
		p.Data.(*accreditationData).Applied = r.URL.Query().Has("applied")
		s.render(w, http.StatusOK, "stakeholder_accreditation", p)
	}
}

func (s *Site) apply(w http.ResponseWriter, r *http.Request) {
	p, ok := s.read(w, r, s.accreditation, roleStakeholder)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	list := p.Data.(*accreditationData).List
	body := wire.ApplyRequest{Name: r.PostFormValue("name"), Category: r.PostFormValue("category"),
		ECOSOC: r.PostFormValue("ecosoc") == "true"}
	if list != process.PreparatoryList {
		body.List = list
	}
	if _, err := s.api(r).Apply(r.Context(), r.PathValue("id"), body); err != nil {
		s.refuse(w, "stakeholder_accreditation", p, err, applyFields...)
		return
	}
	seeOther(w, r, accreditationPath(r.PathValue("id"), list)+applied(list))
}

// accreditationPath is the stakeholder's accreditation page for one list.
func accreditationPath(id string, l process.AccreditationList) string {
	path := "/processes/" + url.PathEscape(id) + "/accreditation"
	if l != process.PreparatoryList {
		path += "?list=" + string(l)
	}
	return path
}

// applied is the query that makes the page say an application was made.
func applied(l process.AccreditationList) string {
	if l == process.PreparatoryList {
		return "?applied=1"
	}
	return "&applied=1"
}

// windowChoice is a window that takes contributions now.
type windowChoice struct {
	Stage    process.Stage
	ClosesAt time.Time
}

// windowsData is templates/stakeholder_windows.html's.
type windowsData struct {
	Process wire.ProcessStatus
	Windows []windowChoice
}

// windowsPage lists a process's windows open for contributions.
func (s *Site) windowsPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	d := windowsData{Process: proc}
	for _, ow := range proc.OpenWindows {
		sd, err := s.api(r).Stage(r.Context(), id, ow.StageID)
		if err != nil {
			return nil, err
		}
		p.localStage(proc.TemplateID, &sd.Spec)
		if sd.Window != nil && sd.Window.Purpose == process.ForContributions {
			d.Windows = append(d.Windows, windowChoice{Stage: sd.Stage, ClosesAt: ow.ClosesAt})
		}
	}
	p.Title = p.T("stakeholder.windows.title", "process", proc.Title)
	p.Data = d
	return p, nil
}

// contributeData is templates/stakeholder_contribute.html's.
type contributeData struct {
	Process wire.ProcessStatus
	Stage   wire.StageDetail
	Open    bool   // the window takes contributions now, as the intake last knew
	Key     string // the Idempotency-Key: a resubmitted form gets its first receipt
}

// contributeFields are the contribution form's controls.
var contributeFields = []string{"title", "body", "attachment"}

// wire.Contribution reads the wire.Contribution form's process and stage.
func (s *Site) contribution(r *http.Request) (*Page, error) {
	id, stage := r.PathValue("id"), r.PathValue("stage")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	d := &contributeData{Process: proc}
	if d.Stage, err = s.api(r).Stage(r.Context(), id, stage); err != nil {
		return nil, err
	}
	p.localStage(proc.TemplateID, &d.Stage.Spec)
	d.Open = d.Stage.Window != nil && d.Stage.Window.TakesAt(time.Now()) // the intake's times are the wall's
	p.Title = p.T("stakeholder.contribute.title", "stage", d.Stage.Spec.Title)
	p.Data = d
	return p, nil
}

func (s *Site) contributePage(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.read(w, r, s.contribution, contributors...); ok {
		p.Data.(*contributeData).Key = rand.Text()
		s.render(w, http.StatusOK, "stakeholder_contribute", p)
	}
}

// contribute sends the form on to the API as multipart, under the form's
// idempotency key.
func (s *Site) contribute(w http.ResponseWriter, r *http.Request) {
	p, ok := s.read(w, r, s.contribution, contributors...)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	d := p.Data.(*contributeData)
	d.Key = r.PostFormValue("idempotencyKey")
	if d.Key == "" {
		d.Key = rand.Text()
	}
	// A browser sends an empty file when none was chosen.
	var file *client.File
	switch f, fh, err := r.FormFile("attachment"); {
	case err == nil:
		defer f.Close()
		if fh.Size > 0 {
			file = &client.File{Name: fh.Filename, Content: f}
		}
	case !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart):
		s.fail(w, r, err)
		return
	}
	in := wire.ContributionRequest{Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
	receipt, _, err := s.api(r).Submit(r.Context(), r.PathValue("id"), r.PathValue("stage"), d.Key, in, file)
	if err != nil {
		s.refuse(w, "stakeholder_contribute", p, err, contributeFields...)
		return
	}
	seeOther(w, r, "/my/contributions/"+url.PathEscape(receipt.Tracking)+"?submitted=1")
}

// ownContribution reads the path's contribution; one of another party is
// not found here: these are the user's own pages.
func (s *Site) ownContribution(r *http.Request) (wire.Contribution, error) {
	ss := s.session(r)
	c, err := s.api(r).Contribution(r.Context(), r.PathValue("tracking"))
	if err != nil {
		return c, err
	}
	if c.Party != ss.Party || c.Role != ss.Role {
		return c, &Problem{Status: http.StatusNotFound, Title: http.StatusText(http.StatusNotFound)}
	}
	return c, nil
}

// receiptData is templates/stakeholder_receipt.html's.
type receiptData struct {
	Contribution wire.Contribution
	Process      wire.ProcessStatus
	Stage        process.Stage
	Submitted    bool // just now: the page says so
	Withdrawn    bool // just now
}

func (s *Site) receiptPage(r *http.Request) (*Page, error) {
	d := receiptData{Submitted: r.URL.Query().Has("submitted"), Withdrawn: r.URL.Query().Has("withdrawn")}
	c, err := s.ownContribution(r)
	if err != nil {
		return nil, err
	}
	p, proc, err := s.pageOn(r, c.ProcessID)
	if err != nil {
		return nil, err
	}
	d.Contribution, d.Process = c, proc
	sd, err := s.api(r).Stage(r.Context(), c.ProcessID, c.StageID)
	if err != nil {
		return nil, err
	}
	p.localStage(proc.TemplateID, &sd.Spec)
	d.Stage = sd.Stage
	p.Title = p.T("stakeholder.receipt.title", "tracking", c.Tracking)
	p.Data = d
	return p, nil
}

// myContribution is one row of the user's contributions.
type myContribution struct {
	wire.Contribution
	ProcessTitle string
}

// myApplication is one of a stakeholder's applications for accreditation.
type myApplication struct {
	process.Application
	ProcessTitle string
}

// myContributionsData is templates/stakeholder_contributions.html's: a
// stakeholder's or a State's home.
type myContributionsData struct {
	Applications  []myApplication // a stakeholder's, by process
	Contributions []myContribution
}

// myContributionsPage is a contributor's home: a stakeholder's
// applications for accreditation, then the contributions it submitted,
// each linking to its receipt.
func (s *Site) myContributionsPage(r *http.Request) (*Page, error) {
	ss := s.session(r)
	a := s.api(r)
	p, processes, err := s.withProcesses(r)
	if err != nil {
		return nil, err
	}
	var d myContributionsData
	for _, pr := range processes {
		if ss.Role == roleStakeholder {
			app, err := a.Application(r.Context(), pr.ID, ss.Party)
			switch {
			case isStatus(err, http.StatusNotFound): // it has not applied there
			case err != nil:
				return nil, err
			default:
				d.Applications = append(d.Applications, myApplication{Application: app, ProcessTitle: pr.Title})
			}
		}
		for after := ""; ; {
			page, err := a.Contributions(r.Context(), pr.ID, wire.ContributionFilter{Party: ss.Party, After: after, Limit: 500})
			if err != nil {
				return nil, err
			}
			for _, c := range page.Contributions {
				if c.Role == ss.Role { // a stakeholder's name may look like a State's code
					d.Contributions = append(d.Contributions, myContribution{Contribution: c, ProcessTitle: pr.Title})
				}
			}
			if after = page.Next; after == "" {
				break
			}
		}
	}
	slices.SortStableFunc(d.Contributions, func(a, b myContribution) int { return b.SubmittedAt.Compare(a.SubmittedAt) })
	p.Title = p.T("stakeholder.mine.title")
	p.Data = d
	return p, nil
}

// ApplicationState says where an application stands.
func (p *Page) ApplicationState(st process.ApplicationState) string {
	return p.T(applicationStates[st])
}

// withdrawData is templates/stakeholder_withdraw.html's.
type withdrawData struct {
	Contribution wire.Contribution
}

// withdrawal reads the wire.Contribution to withdraw. Anyone's is shown here:
// whether the user may withdraw it is the API's to say.
func (s *Site) withdrawal(r *http.Request) (*Page, error) {
	c, err := s.api(r).Contribution(r.Context(), r.PathValue("tracking"))
	if err != nil {
		return nil, err
	}
	d := withdrawData{Contribution: c}
	p := s.newPage(r)
	p.Title = p.T("stakeholder.withdraw.title", "tracking", d.Contribution.Tracking)
	p.Data = d
	return p, nil
}

func (s *Site) withdraw(w http.ResponseWriter, r *http.Request) {
	p, ok := s.read(w, r, s.withdrawal, contributors...)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	tracking := r.PathValue("tracking")
	if err := s.api(r).Withdraw(r.Context(), tracking); err != nil {
		s.refuse(w, "stakeholder_withdraw", p, err)
		return
	}
	seeOther(w, r, "/my/contributions/"+url.PathEscape(tracking)+"?withdrawn=1")
}

// WhenOrTime shows a bare date as a day and a date with a time of day
// with its UTC time, in a <time> element (When): schedules hold both.
func (p *Page) WhenOrTime(v any) template.HTML {
	t := asTime(v)
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return p.When(t)
	}
	return p.WhenTime(t)
}
