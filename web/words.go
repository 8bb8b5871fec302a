package web

import (
	"html/template"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// builtinTemplates are the built-in templates by ID: where a process's own
// words (its title, phases, stages' titles, themes and notes) are
// translated. A process from an inline template speaks English.
var builtinTemplates = sync.OnceValue(func() map[string]*process.Template {
	out := map[string]*process.Template{}
	all, err := process.Templates()
	if err != nil {
		return out // the API refuses to start without them
	}
	for _, t := range all {
		out[t.ID] = t
	}
	return out
})

// words keeps w's text for the page and remembers its language and
// whether it is Compact's own translation, which the page marks
// (Unofficial).
func (p *Page) words(w process.Words) string {
	if w.Text != "" {
		if p.shown == nil {
			p.shown = map[string]process.Words{}
		}
		p.shown[w.Text] = w
	}
	return w.Text
}

// OtherLang is the language of a template's words the page shows when it
// is not the page's: English where they have no translation.
func (p *Page) OtherLang(text string) string {
	if w, ok := p.shown[text]; ok && w.Lang != p.Lang {
		return w.Lang
	}
	return ""
}

// withProcesses is a new page with every process, their titles and next
// stages in the page's language.
func (s *Site) withProcesses(r *http.Request) (*Page, []wire.ProcessStatus, error) {
	list, err := s.api(r).Processes(r.Context())
	if err != nil {
		return nil, nil, err
	}
	p := s.newPage(r)
	for i := range list {
		p.localStatus(&list[i])
	}
	return p, list, nil
}

// localStatus puts the process's title and its next stage's in the page's
// language.
func (p *Page) localStatus(st *wire.ProcessStatus) {
	tpl := builtinTemplates()[st.TemplateID]
	st.Title = p.words(tpl.TitleIn(p.Lang, st.Title))
	if st.Next != nil && tpl != nil {
		if spec, ok := tpl.Stage(st.Next.StageID); ok && spec.Title == st.Next.Title {
			title, _, _ := tpl.StageIn(p.Lang, spec)
			st.Next.Title = p.words(title)
		}
	}
}

// localStage puts a stage's title, theme, note and documents' titles in
// the page's language.
func (p *Page) localStage(templateID string, s *process.StageSpec) {
	tpl := builtinTemplates()[templateID]
	title, theme, note := tpl.StageIn(p.Lang, *s)
	s.Documents = slices.Clone(s.Documents) // the caller's stage may be shared
	for i, d := range s.Documents {
		s.Documents[i].Title = p.words(tpl.DocumentIn(p.Lang, s.ID, d.Title))
	}
	s.Title, s.Theme, s.Note = p.words(title), p.words(theme), p.words(note)
}

// localDocument is the title of a stage's document in the page's language.
func (p *Page) localDocument(templateID, stageID, title string) string {
	return p.words(builtinTemplates()[templateID].DocumentIn(p.Lang, stageID, title))
}

// localPhase is a phase's title in the page's language.
func (p *Page) localPhase(templateID, id, title string) string {
	return p.words(builtinTemplates()[templateID].PhaseTitleIn(p.Lang, id, title))
}

// Unofficial marks text that is Compact's translation rather than the UN's
// own, for a reader who would quote it.
func (p *Page) Unofficial(text string) template.HTML {
	if !p.shown[text].Translated() {
		return ""
	}
	return template.HTML(`<span class="unofficial" title="` + template.HTMLEscapeString(p.T("translation.unofficial.about")) + `">` +
		template.HTMLEscapeString(p.T("translation.unofficial")) + `</span>`)
}

// Place is a venue's name in the page's language, isolated from the text
// around it, in its own language where that is not the page's, and marked
// where it is Compact's translation. The stage keeps its English name: the
// office's forms edit that one.
func (p *Page) Place(name string) template.HTML {
	text := p.words(process.PlaceIn(p.Lang, name))
	var b strings.Builder
	b.WriteString("<bdi")
	if l := p.OtherLang(text); l != "" {
		b.WriteString(` lang="` + template.HTMLEscapeString(l) + `"`)
	}
	b.WriteString(">" + template.HTMLEscapeString(text) + "</bdi>")
	if u := p.Unofficial(text); u != "" {
		b.WriteString(" " + string(u))
	}
	return template.HTML(b.String())
}
