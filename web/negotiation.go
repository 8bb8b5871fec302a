package web

import (
	"cmp"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// negotiationRoutes registers the forms of the negotiation on the text:
// Member States amend, co-sponsor and take positions while the amendment
// window is open; the PGA's office and the co-facilitators decide and mark.
// Every form posts to the site, which calls the API; the API decides.
func (s *Site) negotiationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /processes/{id}/text/paragraphs/{paragraph}/amend", s.amendPage)
	mux.HandleFunc("POST /processes/{id}/text/paragraphs/{paragraph}/amend", s.amend)
	mux.HandleFunc("GET /processes/{id}/text/amendments/{amendment}", s.show("negotiation_amendment", s.amendmentPage))
	mux.HandleFunc("POST /processes/{id}/text/amendments/{amendment}/position", s.takePosition)
	mux.HandleFunc("POST /processes/{id}/text/amendments/{amendment}/cosponsors", s.cosponsor)
	mux.HandleFunc("POST /processes/{id}/text/amendments/{amendment}/cosponsors/withdraw", s.withdrawCosponsor)
	mux.HandleFunc("POST /processes/{id}/text/amendments/{amendment}/decision", s.decide)
	mux.HandleFunc("GET /processes/{id}/text/revisions/{revision}/paragraphs/{paragraph}/mark", s.markPage)
	mux.HandleFunc("POST /processes/{id}/text/revisions/{revision}/paragraphs/{paragraph}/mark", s.mark)
	mux.HandleFunc("GET /my/text", s.show("negotiation_mine", s.myTextPage, roleMemberState))
}

// deciders are the roles that decide on amendments and mark paragraphs;
// a co-facilitator only in the process they serve, which the API checks.
var deciders = []string{rolePGAOffice, roleCoFacilitator}

// Negotiates reports whether the signed-in user is a Member State, who
// amends and takes positions.
func (p *Page) Negotiates() bool { return p.Session != nil && p.Session.Role == roleMemberState }

// Decides reports whether the signed-in user serves processID: the PGA's
// office, or one of its co-facilitators.
func (p *Page) Decides(processID string) bool {
	if p.Session == nil {
		return false
	}
	return p.Session.Role == rolePGAOffice || p.Session.Role == roleCoFacilitator && p.Session.ProcessID == processID
}

// amendmentWindow is the amendment window of a revision of a process's
// text, as the intake knows it.
type amendmentWindow struct {
	StageID string
	Window  *process.ContributionWindow // nil: the revision takes no amendments
	Open    bool
	Zone    string // the stage's venue time zone, in which the page shows the window's times
}

// windowOf reads the window of the stage that published revision.
func (s *Site) windowOf(r *http.Request, processID string, revision int) (amendmentWindow, error) {
	a := s.api(r)
	doc, err := a.Document(r.Context(), processID, workflows.DraftName, revision)
	if isStatus(err, http.StatusNotFound) {
		return amendmentWindow{}, nil
	}
	if err != nil {
		return amendmentWindow{}, err
	}
	sd, err := a.Stage(r.Context(), processID, doc.StageID)
	if err != nil {
		return amendmentWindow{}, err
	}
	w := amendmentWindow{StageID: doc.StageID, Window: sd.Window, Zone: sd.Spec.TimeZone}
	w.Open = sd.Window != nil && sd.Window.TakesAt(time.Now()) // the intake's times are the wall's
	return w, nil
}

// parties are those a Member State speaks for: itself, then the groups of
// the process it belongs to.
func parties(state string, groups []process.Group) []string {
	out := []string{state}
	for _, g := range groups {
		if slices.Contains(g.Members, state) {
			out = append(out, g.ID)
		}
	}
	return out
}

// partiesIn are those a Member State speaks for in a process, by the
// groups the API says its template declares.
func (s *Site) partiesIn(r *http.Request, state, processID string) ([]string, error) {
	gs, err := s.api(r).Groups(r.Context(), processID)
	return parties(state, gs.Groups), err
}

// partyOptions are parties as a select's options.
func partyOptions(parties []string) []option {
	out := make([]option, len(parties))
	for i, party := range parties {
		out[i] = option{Value: party, Label: party}
	}
	return out
}

// renamed is err's problem with its field pointers' last segments renamed
// by names, for a page where two forms would have a field of one name.
func renamed(err error, names map[string]string) error {
	var prob *Problem
	if !errors.As(err, &prob) {
		return err
	}
	c := *prob
	c.Errors = slices.Clone(prob.Errors)
	for i, e := range c.Errors {
		at := strings.LastIndex(e.Pointer, "/")
		if to, ok := names[e.Pointer[at+1:]]; ok {
			c.Errors[i].Pointer = e.Pointer[:at+1] + to
		}
	}
	return &c
}

// amendData is templates/negotiation_amend.html's.
type amendData struct {
	processRef
	Revision  int
	Paragraph wire.TextParagraph
	Language  string
	Window    amendmentWindow
	Sponsors  []option
	Key       string // the Idempotency-Key: a resubmitted form is one amendment
}

// amendFields are the amendment form's controls.
var amendFields = []string{"kind", "text", "old", "new", "sponsor", "cites"}

// amendmentKinds are the kinds a delegation proposes from a paragraph.
var amendmentKinds = []struct{ value, label string }{
	{string(text.Replace), "negotiation.kind.replace"},
	{string(text.EditWords), "negotiation.kind.edit"},
	{string(text.Delete), "negotiation.kind.delete"},
	{string(text.InsertBefore), "negotiation.kind.insert-before"},
	{string(text.InsertAfter), "negotiation.kind.insert-after"},
	{string(text.NewParagraph), "negotiation.kind.new-paragraph"},
}

// KindOptions are the amendment kinds to choose from.
func (p *Page) KindOptions() []option {
	out := make([]option, len(amendmentKinds))
	for i, k := range amendmentKinds {
		out[i] = option{Value: k.value, Label: p.T(k.label)}
	}
	return out
}

// KindName names an amendment's kind.
func (p *Page) KindName(k text.AmendmentKind) string {
	for _, kind := range amendmentKinds {
		if kind.value == string(k) {
			return p.T(kind.label)
		}
	}
	return string(k)
}

// amendment reads what the amendment form shows: the paragraph of the
// latest revision the user reads, and its window.
func (s *Site) amendment(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	c, err := s.api(r).Compilation(r.Context(), id, client.Latest)
	if err != nil {
		return nil, err
	}
	speaks, err := s.partiesIn(r, p.Session.Party, id)
	if err != nil {
		return nil, err
	}
	d := &amendData{processRef: refOf(proc), Revision: c.Revision, Language: c.Language, Sponsors: partyOptions(speaks)}
	i := slices.IndexFunc(c.Entries, func(e wire.CompilationEntry) bool { return e.Paragraph.ID == r.PathValue("paragraph") })
	if i < 0 {
		return nil, &Problem{Status: http.StatusNotFound, Title: http.StatusText(http.StatusNotFound),
			Detail: "paragraph " + r.PathValue("paragraph") + " is not in revision " + strconv.Itoa(c.Revision)}
	}
	d.Paragraph = c.Entries[i].Paragraph
	if d.Window, err = s.windowOf(r, id, c.Revision); err != nil {
		return nil, err
	}
	p.Title = p.T("negotiation.amend.title", "paragraph", cmp.Or(d.Paragraph.Num, d.Paragraph.Label, d.Paragraph.ID))
	p.Data = d
	return p, nil
}

func (s *Site) amendPage(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.read(w, r, s.amendment, roleMemberState); ok {
		p.Data.(*amendData).Key = rand.Text()
		s.render(w, http.StatusOK, "negotiation_amend", p)
	}
}

// amend proposes the form's amendment under the form's idempotency key:
// a second submit of the same form gets the first amendment back.
func (s *Site) amend(w http.ResponseWriter, r *http.Request) {
	p, ok := s.read(w, r, s.amendment, roleMemberState)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	d := p.Data.(*amendData)
	d.Key = cmp.Or(r.PostFormValue("idempotencyKey"), rand.Text())
	in := wire.TextAmendmentRequest{Kind: text.AmendmentKind(r.PostFormValue("kind")), Paragraph: d.Paragraph.ID,
		Sponsor: r.PostFormValue("sponsor"), Cites: strings.Fields(strings.ReplaceAll(r.PostFormValue("cites"), ",", " "))}
	switch in.Kind {
	case text.EditWords:
		in.Edits = []text.Edit{{Old: r.PostFormValue("old"), New: r.PostFormValue("new")}}
	case text.Delete:
	case text.NewParagraph: // at the end of the paragraph's part
		in.Paragraph, in.Part, in.Text = "", d.Paragraph.Part, r.PostFormValue("text")
	default:
		in.Text = r.PostFormValue("text")
	}
	a, _, err := s.api(r).ProposeTextAmendment(r.Context(), d.ProcessID, d.Key, in)
	if err != nil {
		s.refuse(w, "negotiation_amend", p, renamed(err, map[string]string{"edits": "old"}), amendFields...) // the form has one edit
		return
	}
	seeOther(w, r, amendmentPath(d.ProcessID, a.ID)+"?done=proposed")
}

func amendmentPath(processID, amendment string) string {
	return "/processes/" + url.PathEscape(processID) + "/text/amendments/" + url.PathEscape(amendment)
}

// amendmentData is templates/negotiation_amendment.html's.
type amendmentData struct {
	processRef
	A        wire.TextAmendment
	Label    string // the paragraph's number in its revision, or its ID
	Text     string // the paragraph's text in its revision
	Language string // the revision's
	Window   amendmentWindow
	Parties  []option // those the State speaks for
	Joinable []option // of those, the ones not sponsoring it yet
	Leavable []option // of those, its co-sponsors
	Mine     []text.Position
	Done     string // the notice's message ID, after a form
}

// doneNotices are the notices after a form, by the done= of the redirect.
var doneNotices = map[string]string{
	"proposed": "negotiation.done.proposed", "position": "negotiation.done.position",
	"replaced": "negotiation.done.replaced", "joined": "negotiation.done.joined",
	"withdrawn": "negotiation.done.withdrawn", "decided": "negotiation.done.decided",
}

// decisionOutcomes are the outcomes the co-facilitators choose from.
var decisionOutcomes = []string{"incorporated", "negotiation.outcome.incorporated", "merged", "negotiation.outcome.merged",
	"not-retained", "negotiation.outcome.not-retained"}

// stances are the positions a delegation takes.
var stances = []string{string(text.Support), "negotiation.stance.support", string(text.Oppose), "negotiation.stance.oppose",
	string(text.Reservation), "negotiation.stance.reservation"}

// markStatuses are the marks of a paragraph.
var markStatuses = []string{"agreed-ad-ref", "negotiation.mark.agreed-ad-ref", "agreed", "negotiation.mark.agreed",
	"open", "negotiation.mark.open"}

// DecisionOptions, StanceOptions and StatusOptions are the choices of the
// decision, position and mark forms.
func (p *Page) DecisionOptions() []option { return p.Options(decisionOutcomes...) }
func (p *Page) StanceOptions() []option   { return p.Options(stances...) }
func (p *Page) StatusOptions() []option   { return p.Options(markStatuses...) }

// StanceName is a position's stance in words.
func (p *Page) StanceName(s text.Stance) string {
	i := slices.Index(stances, string(s))
	if i < 0 {
		return string(s)
	}
	return p.T(stances[i+1])
}

// DecisionName is an amendment's decision in words, pending included.
func (p *Page) DecisionName(outcome string) string {
	if i := slices.Index(decisionOutcomes, outcome); i >= 0 {
		return p.T(decisionOutcomes[i+1])
	}
	return p.T("negotiation.outcome.pending")
}

// NoticeOf is the notice for done=, or empty.
func (p *Page) NoticeOf(done string) string {
	if id, ok := doneNotices[done]; ok {
		return p.T(id)
	}
	return ""
}

func (s *Site) amendmentPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	a := s.api(r)
	d := &amendmentData{processRef: refOf(proc), Done: r.URL.Query().Get("done")}
	if d.A, err = a.TextAmendment(r.Context(), id, r.PathValue("amendment")); err != nil {
		return nil, err
	}
	d.Label = d.A.Paragraph
	if rev, err := a.TextRevision(r.Context(), id, d.A.Revision); err == nil {
		if i := slices.IndexFunc(rev.Paragraphs, func(tp wire.TextParagraph) bool { return tp.ID == d.A.Paragraph }); i >= 0 {
			d.Label = cmp.Or(rev.Paragraphs[i].Num, rev.Paragraphs[i].Label, d.Label)
			d.Text = rev.Paragraphs[i].Text
		}
		d.Language = rev.Language
	} else if !isStatus(err, http.StatusNotFound) {
		return nil, err
	}
	if p.Negotiates() {
		if d.Window, err = s.windowOf(r, id, d.A.Revision); err != nil {
			return nil, err
		}
		speaks, err := s.partiesIn(r, p.Session.Party, id)
		if err != nil {
			return nil, err
		}
		d.Parties = partyOptions(speaks)
		for _, party := range speaks {
			switch {
			case slices.Contains(d.A.CoSponsors, party):
				d.Leavable = append(d.Leavable, option{party, party})
			case party != d.A.Sponsor:
				d.Joinable = append(d.Joinable, option{party, party})
			}
		}
		for _, pos := range d.A.Positions {
			if slices.Contains(speaks, pos.Party) {
				d.Mine = append(d.Mine, pos)
			}
		}
	}
	p.Title = p.T("negotiation.amendment.title", "amendment", d.A.ID)
	p.Data = d
	return p, nil
}

// amendmentForm runs one of the amendment page's forms for roles: call
// the API with call, and on success go back to the page with notice done
// (call may change it).
func (s *Site) amendmentForm(w http.ResponseWriter, r *http.Request, roles []string, names map[string]string, controls []string,
	call func(c *client.Client, id, amendment string) (done string, err error)) {
	p, ok := s.read(w, r, s.amendmentPage, roles...)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	id, amendment := r.PathValue("id"), r.PathValue("amendment")
	done, err := call(s.api(r), id, amendment)
	if err != nil {
		s.refuse(w, "negotiation_amendment", p, renamed(err, names), controls...)
		return
	}
	seeOther(w, r, amendmentPath(id, amendment)+"?done="+done)
}

func (s *Site) takePosition(w http.ResponseWriter, r *http.Request) {
	s.amendmentForm(w, r, []string{roleMemberState}, map[string]string{"party": "positionParty"},
		[]string{"stance", "statement", "positionParty"},
		func(c *client.Client, id, amendment string) (string, error) {
			in := wire.PositionRequest{Stance: text.Stance(r.PostFormValue("stance")), Statement: r.PostFormValue("statement")}
			if party := r.PostFormValue("positionParty"); party != s.session(r).Party {
				in.Party = party
			}
			taken, err := c.TakePosition(r.Context(), id, amendment, in)
			if taken.Replaced {
				return "replaced", err
			}
			return "position", err
		})
}

func (s *Site) cosponsor(w http.ResponseWriter, r *http.Request) {
	s.amendmentForm(w, r, []string{roleMemberState}, map[string]string{"party": "joinParty"}, []string{"joinParty"},
		func(c *client.Client, id, amendment string) (string, error) {
			_, err := c.Cosponsor(r.Context(), id, amendment, r.PostFormValue("joinParty"))
			return "joined", err
		})
}

func (s *Site) withdrawCosponsor(w http.ResponseWriter, r *http.Request) {
	s.amendmentForm(w, r, []string{roleMemberState}, map[string]string{"party": "leaveParty"}, []string{"leaveParty"},
		func(c *client.Client, id, amendment string) (string, error) {
			_, err := c.WithdrawCosponsor(r.Context(), id, amendment, r.PostFormValue("leaveParty"))
			return "withdrawn", err
		})
}

func (s *Site) decide(w http.ResponseWriter, r *http.Request) {
	s.amendmentForm(w, r, deciders, map[string]string{"text": "wording"}, []string{"outcome", "wording", "note"},
		func(c *client.Client, id, amendment string) (string, error) {
			_, err := c.DecideAmendment(r.Context(), id, amendment, wire.DecisionRequest{Outcome: r.PostFormValue("outcome"),
				Note: r.PostFormValue("note"), Text: r.PostFormValue("wording")})
			return "decided", err
		})
}

// markData is templates/negotiation_mark.html's.
type markData struct {
	processRef
	Revision  int
	Paragraph wire.TextParagraph
	Language  string
	Status    text.Status
	Note      string
}

// markFields are the mark form's controls.
var markFields = []string{"status", "note"}

func (s *Site) marking(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	revision := revisionParam(r.PathValue("revision"))
	if revision < 0 {
		revision = -2 // for the API to refuse: -1 would be the latest
	}
	c, err := s.api(r).Compilation(r.Context(), id, revision)
	if err != nil {
		return nil, err
	}
	d := &markData{processRef: refOf(proc), Revision: c.Revision, Language: c.Language}
	i := slices.IndexFunc(c.Entries, func(e wire.CompilationEntry) bool { return e.Paragraph.ID == r.PathValue("paragraph") })
	if i < 0 {
		return nil, &Problem{Status: http.StatusNotFound, Title: http.StatusText(http.StatusNotFound),
			Detail: "paragraph " + r.PathValue("paragraph") + " is not in revision " + strconv.Itoa(c.Revision)}
	}
	d.Paragraph, d.Status, d.Note = c.Entries[i].Paragraph, c.Entries[i].Status, c.Entries[i].Note
	p.Title = p.T("negotiation.mark.title", "paragraph", cmp.Or(d.Paragraph.Num, d.Paragraph.Label, d.Paragraph.ID))
	p.Data = d
	return p, nil
}

// CurrentStatus is a mark as the mark form's radios spell it.
func (d *markData) CurrentStatus() string {
	for name, st := range wire.Statuses {
		if st == d.Status {
			return name
		}
	}
	return "open"
}

func (s *Site) markPage(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.read(w, r, s.marking, deciders...); ok {
		s.render(w, http.StatusOK, "negotiation_mark", p)
	}
}

func (s *Site) mark(w http.ResponseWriter, r *http.Request) {
	p, ok := s.read(w, r, s.marking, deciders...)
	if !ok {
		return
	}
	p.Form = NewForm(r)
	d := p.Data.(*markData)
	in := wire.MarkRequest{Status: r.PostFormValue("status"), Note: r.PostFormValue("note")}
	if _, err := s.api(r).MarkParagraph(r.Context(), d.ProcessID, d.Revision, d.Paragraph.ID, in); err != nil {
		s.refuse(w, "negotiation_mark", p, err, markFields...)
		return
	}
	seeOther(w, r, "/processes/"+url.PathEscape(d.ProcessID)+"/text?revision="+strconv.Itoa(d.Revision)+
		"&marked="+url.QueryEscape(d.Paragraph.ID)+"#para-"+url.PathEscape(d.Paragraph.ID))
}

// myAmendment is an amendment the State sponsors or co-sponsors, or took
// a position on.
type myAmendment struct {
	wire.TextAmendment
	ProcessTitle string
	Proposed     bool // as itself or as a group
	CoSponsor    bool
	Mine         []text.Position // its own positions, and its groups'
}

// openDraft is a process's latest revision, open to amendments.
type openDraft struct {
	ProcessID, ProcessTitle string
	Revision                int
	ClosesAt                time.Time // wall-clock, as the intake keeps it
	Zone                    string    // the stage's venue time zone
}

// myTextData is templates/negotiation_mine.html's: a State's home.
type myTextData struct {
	Open       []openDraft // the drafts it may amend now, the first to close first
	Amendments []myAmendment
}

// myTextPage is a State's home: the drafts open to its amendments, then,
// over every process with a text, the amendments the State proposed or
// co-sponsors and the positions it took.
func (s *Site) myTextPage(r *http.Request) (*Page, error) {
	ss := s.session(r)
	a := s.api(r)
	p, processes, err := s.withProcesses(r)
	if err != nil {
		return nil, err
	}
	var d myTextData
	for _, pr := range processes {
		latest, err := a.TextAmendments(r.Context(), pr.ID, client.Latest, 0, 1)
		if isStatus(err, http.StatusNotFound) {
			continue // no text yet
		}
		if err != nil {
			return nil, err
		}
		speaks, err := s.partiesIn(r, ss.Party, pr.ID)
		if err != nil {
			return nil, err
		}
		w, err := s.windowOf(r, pr.ID, latest.Revision)
		if err != nil {
			return nil, err
		}
		if w.Open {
			d.Open = append(d.Open, openDraft{ProcessID: pr.ID, ProcessTitle: pr.Title, Revision: latest.Revision, ClosesAt: w.Window.ClosesAt, Zone: w.Zone})
		}
		for rev := 0; rev <= latest.Revision; rev++ {
			for offset := 0; ; {
				page, err := a.TextAmendments(r.Context(), pr.ID, rev, offset, 500)
				if err != nil {
					return nil, err
				}
				for _, am := range page.Amendments {
					m := myAmendment{TextAmendment: am, ProcessTitle: pr.Title, Proposed: slices.Contains(speaks, am.Sponsor)}
					m.CoSponsor = slices.ContainsFunc(am.CoSponsors, func(c string) bool { return slices.Contains(speaks, c) })
					for _, pos := range am.Positions {
						if slices.Contains(speaks, pos.Party) {
							m.Mine = append(m.Mine, pos)
						}
					}
					if m.Proposed || m.CoSponsor || len(m.Mine) > 0 {
						d.Amendments = append(d.Amendments, m)
					}
				}
				if !page.More {
					break
				}
				offset += len(page.Amendments)
			}
		}
	}
	slices.SortStableFunc(d.Amendments, func(x, y myAmendment) int { return y.ProposedAt.Compare(x.ProposedAt) })
	slices.SortStableFunc(d.Open, func(x, y openDraft) int { return x.ClosesAt.Compare(y.ClosesAt) })
	p.Title = p.T("negotiation.mine.title")
	p.Data = d
	return p, nil
}
