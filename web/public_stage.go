package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/compact-un/compact/wire"
)

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
