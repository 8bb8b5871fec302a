package web

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
)

// textRoutes registers the observers' pages of the negotiated text: the
// compilation, a paragraph's history, the word-level diff and the search.
func (s *Site) textRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /processes/{id}/text", s.show("public_text", s.compilationPage))
	mux.HandleFunc("GET /processes/{id}/text/diff", s.show("public_text_diff", s.textDiffPage))
	mux.HandleFunc("GET /processes/{id}/text/paragraphs/{paragraph}", s.show("public_paragraph", s.paragraphPage))
	mux.HandleFunc("GET /processes/{id}/search", s.searchPage)
}

// The messages of the text's dynamic values, by value.
var (
	statusMessages  = map[text.Status]string{text.AgreedAdRef: "text.status.agreed-ad-ref", text.Agreed: "text.status.agreed"}
	outcomeMessages = map[text.Outcome]string{text.Incorporated: "text.outcome.incorporated", text.Merged: "text.outcome.merged",
		text.NotRetained: "text.outcome.not-retained"}
	kindMessages = map[text.AmendmentKind]string{text.InsertBefore: "text.kind.insert-before", text.InsertAfter: "text.kind.insert-after",
		text.NewParagraph: "text.kind.new-paragraph", text.Delete: "text.kind.delete"}
	changeMessages = map[text.ChangeOp]string{"": "text.change.kept", text.Kept: "text.change.kept", text.Edited: "text.change.edited",
		text.Added: "text.change.added", text.Removed: "text.change.removed"}
	hitMessages = map[string]string{"contribution": "text.hit.contribution", "paragraph": "text.hit.paragraph", "amendment": "text.hit.amendment"}
)

// StatusMark is a paragraph's mark in words; empty for an open one.
func (p *Page) StatusMark(s text.Status) string {
	if id, ok := statusMessages[s]; ok {
		return p.T(id)
	}
	return ""
}

// Outcome is an amendment's decision in words; empty while pending.
func (p *Page) Outcome(o text.Outcome) string {
	if id, ok := outcomeMessages[o]; ok {
		return p.T(id)
	}
	return ""
}

// AmendmentKind names what an amendment does, for those that add or
// delete a paragraph; replacements and edits show as their words.
func (p *Page) AmendmentKind(k text.AmendmentKind) string {
	if id, ok := kindMessages[k]; ok {
		return p.T(id)
	}
	return ""
}

// Change names what became of a paragraph.
func (p *Page) Change(c text.ChangeOp) string { return p.T(changeMessages[c]) }

// HitKind names what a search found.
func (p *Page) HitKind(kind string) string { return p.T(hitMessages[kind]) }

type compilationView struct {
	processRef
	C         wire.TextCompilation
	Empty     bool  // the process has no text yet
	Revisions []int // 0 to the revision shown, for the chooser
	// Amends: the signed-in Member State may amend the revision shown, the
	// latest, whose amendment window is open.
	Amends bool
	Window amendmentWindow // the latest revision's, for a Member State
	Marked string          // the paragraph just marked, for the notice
}

func (s *Site) compilationPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	v := compilationView{processRef: refOf(proc)}
	revision := client.Latest
	if raw := r.URL.Query().Get("revision"); raw != "" {
		// One that is no revision goes to the API to refuse: -1 would be
		// client.Latest.
		if revision = revisionParam(raw); revision < 0 {
			revision = -2
		}
	}
	v.C, err = s.api(r).Compilation(r.Context(), id, revision)
	var prob *Problem
	switch {
	case errors.As(err, &prob) && prob.Status == http.StatusNotFound && revision == client.Latest:
		v.Empty = true
		p.Title = p.T("text.heading", "process", proc.Title)
	case err != nil:
		return nil, err
	default:
		v.Revisions = upTo(v.C.Revision)
		p.Title = p.T("text.title", "revision", v.C.Revision)
		v.Marked = r.URL.Query().Get("marked")
		if p.Negotiates() {
			if v.Window, err = s.windowOf(r, id, v.C.Revision); err != nil {
				return nil, err
			}
			v.Amends = v.Window.Open
		}
	}
	p.Data = v
	return p, nil
}

// upTo is 0…n.
func upTo(n int) []int {
	out := make([]int, n+1)
	for i := range out {
		out[i] = i
	}
	return out
}

type paragraphView struct {
	processRef
	H wire.ParagraphHistory
}

func (s *Site) paragraphPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	v := paragraphView{processRef: refOf(proc)}
	if v.H, err = s.api(r).ParagraphHistory(r.Context(), id, r.PathValue("paragraph")); err != nil {
		return nil, err
	}
	last := v.H.Versions[len(v.H.Versions)-1].Paragraph
	p.Title = p.T("text.history.title", "paragraph", cmp.Or(last.Num, last.ID)) // the title has no number
	p.Data = v
	return p, nil
}

type textDiffView struct {
	processRef
	D                                   wire.TextDiff
	Revisions                           []int
	Kept, Edited, Moved, Added, Removed int
}

func (s *Site) textDiffPage(r *http.Request) (*Page, error) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		return nil, err
	}
	a := s.api(r)
	// The amendments' page names the latest revision the reader may read.
	latest, err := a.TextAmendments(r.Context(), id, client.Latest, 0, 1)
	if err != nil {
		return nil, err
	}
	v := textDiffView{processRef: refOf(proc), Revisions: upTo(latest.Revision)}
	from, to := max(latest.Revision-1, 0), latest.Revision
	q := r.URL.Query()
	if q.Has("from") {
		from = revisionParam(q.Get("from"))
	}
	if q.Has("to") {
		to = revisionParam(q.Get("to"))
	}
	if v.D, err = a.TextDiff(r.Context(), id, from, to); err != nil {
		return nil, err
	}
	for _, c := range v.D.Changes {
		switch {
		case c.Moved:
			v.Moved++
		case c.Op == text.Kept:
			v.Kept++
		case c.Op == text.Edited:
			v.Edited++
		case c.Op == text.Added:
			v.Added++
		default:
			v.Removed++
		}
	}
	p.Title = p.T("text.diff.title", "from", v.D.From, "to", v.D.To)
	p.Data = v
	return p, nil
}

// hitsPerPage is how many hits a page of results shows.
const hitsPerPage = 20

type searchView struct {
	processRef
	Q       string
	Results *wire.SearchPage // nil before a search
	Prev    int              // the previous page's offset, -1 on the first
	Next    int              // the next page's offset, -1 on the last
}

// First is the number of the page's first hit, from 1.
func (v searchView) First() int { return v.Results.Offset + 1 }

// Last is the number of the page's last hit.
func (v searchView) Last() int { return v.Results.Offset + len(v.Results.Hits) }

// searchPage searches on the server: the query goes to the API as typed,
// and a query it refuses comes back on the form with its reason.
func (s *Site) searchPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, proc, err := s.pageOn(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := searchView{processRef: refOf(proc), Q: q.Get("q"), Prev: -1, Next: -1}
	p.Title = p.T("text.search.title", "process", proc.Title)
	p.Data = v
	if !q.Has("q") {
		s.render(w, http.StatusOK, "public_search", p)
		return
	}
	p.Form = &Form{Values: q, Errors: map[string]string{}, Fields: map[string]string{}}
	offset, _ := strconv.Atoi(q.Get("offset"))
	if strings.TrimSpace(v.Q) == "" {
		p.Form.Errors["q"] = p.T("text.search.empty")
		s.render(w, http.StatusUnprocessableEntity, "public_search", p)
		return
	}
	page, err := s.api(r).Search(r.Context(), id, v.Q, offset, hitsPerPage)
	if err != nil {
		s.refused(w, "public_search", p, err)
		return
	}
	v.Results = &page
	if page.Offset > 0 {
		v.Prev = max(page.Offset-hitsPerPage, 0)
	}
	if page.More {
		v.Next = page.Offset + len(page.Hits)
	}
	p.Data = v
	s.render(w, http.StatusOK, "public_search", p)
}
