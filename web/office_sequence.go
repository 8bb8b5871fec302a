package web

import (
	"html/template"
	"net/http"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// Sequencing help on the office's scheduling forms: "Check the order"
// sends the form to the API as a dry run, and the page shows, before the
// change is made, the steps it would take out of the process's natural
// order (process.Sequence) and the meetings of other processes it would
// clash with. Nothing changes until the form is sent without it.

// sequenceCheck is what a dry run of a scheduling form found.
type sequenceCheck struct {
	Notes   []process.SequenceNote
	Clashes []process.Clash
}

// checking says whether the form asks for a check rather than the change.
func checking(r *http.Request) bool { return r.PostFormValue("check") == "true" }

// checkSchedule asks the API for a dry run of the form's body at path, the
// other stages' titles in the page's language; an error is the API's
// refusal, which the form shows as it would the change's.
func (s *Site) checkSchedule(r *http.Request, p *Page, templateID, path string, body any) (*sequenceCheck, error) {
	if m, ok := body.(map[string]any); ok {
		m["dryRun"] = true
	}
	var st wire.ScheduledStage
	if err := s.api(r).Call(r.Context(), http.MethodPost, path, body, &st); err != nil {
		return nil, err
	}
	tpl := builtinTemplates()[templateID]
	for i, n := range st.Sequence {
		if tpl == nil { // an inline template's words are English
			break
		}
		if spec, ok := tpl.Stage(n.Other); ok && spec.Title == n.OtherTitle {
			title, _, _ := tpl.StageIn(p.Lang, spec)
			st.Sequence[i].OtherTitle = p.words(title)
		}
	}
	return &sequenceCheck{Notes: st.Sequence, Clashes: st.Clashes}, nil
}

// SequenceNote says a note in the page's language.
func (p *Page) SequenceNote(n process.SequenceNote) template.HTML {
	switch {
	case n.Kind == process.SequenceOverlap:
		return p.TH("office.sequence.overlap", "date", p.When(n.Start), "other", n.OtherTitle, "kind", p.StageKind(n.OtherKind), "end", p.When(n.OtherEnd))
	case n.After:
		return p.TH("office.sequence.after", "date", p.When(n.Start), "other", n.OtherTitle, "kind", p.StageKind(n.OtherKind), "end", p.When(n.OtherEnd))
	}
	return p.TH("office.sequence.before", "date", p.When(n.OtherStart), "other", n.OtherTitle, "kind", p.StageKind(n.OtherKind))
}
