package process

import (
	"fmt"
	"slices"
	"strings"
)

// Languages are the UN's six official languages, in the UN's order. A
// template's own words are English; Translations carry the other five.
var Languages = []string{"ar", "zh", "en", "fr", "ru", "es"}

// Translation is a template's own words in one more language: its title,
// its phases' titles, and its stages' titles, themes and notes. Words it
// lacks stay English.
type Translation struct {
	// Official is true only where the UN's own text in that language is
	// the source (cited in Source); otherwise the words are Compact's
	// translation, and the pages say so.
	Official bool   `json:"official"`
	Source   string `json:"source,omitempty"`
	Note     string `json:"note,omitempty"` // who translated, and from what
	Title    string `json:"title,omitempty"`
	// Phases are phase titles by phase ID.
	Phases map[string]string `json:"phases,omitempty"`
	// Stages are stage words by stage ID.
	Stages map[string]StageWords `json:"stages,omitempty"`
}

// StageWords are a stage's words in one language.
type StageWords struct {
	Title string `json:"title,omitempty"`
	Theme string `json:"theme,omitempty"`
	Note  string `json:"note,omitempty"`
	// Documents are the stage's documents' titles, by their English title.
	Documents map[string]string `json:"documents,omitempty"`
}

// Words are some text in the reader's language: Text, in Lang, which is
// English where no translation was found; Official is false for Compact's
// own translation.
type Words struct {
	Text     string
	Lang     string
	Official bool
}

// Translated reports whether the words are a translation that is not the
// UN's own: the pages mark them.
func (w Words) Translated() bool { return w.Lang != "en" && !w.Official }

func (t *Template) validateTranslations() []error {
	var errs []error
	phases := map[string]bool{}
	for _, p := range t.Phases {
		phases[p.ID] = true
	}
	for _, lang := range sortedKeys(t.Translations) {
		tr := t.Translations[lang]
		if lang == "en" || !slices.Contains(Languages, lang) {
			errs = append(errs, fmt.Errorf("translations: %q is not one of the UN's other five languages (ar, zh, fr, ru, es)", lang))
			continue
		}
		if tr.Official && strings.TrimSpace(tr.Source) == "" {
			errs = append(errs, fmt.Errorf("translations.%s: an official translation needs its source", lang))
		}
		for _, id := range sortedKeys(tr.Phases) {
			if !phases[id] {
				errs = append(errs, fmt.Errorf("translations.%s.phases: no phase %q", lang, id))
			}
		}
		for _, id := range sortedKeys(tr.Stages) {
			s, ok := t.Stage(id)
			if !ok {
				errs = append(errs, fmt.Errorf("translations.%s.stages: no stage %q", lang, id))
				continue
			}
			for _, title := range sortedKeys(tr.Stages[id].Documents) {
				if !slices.ContainsFunc(s.Documents, func(d Document) bool { return d.Title == title }) {
					errs = append(errs, fmt.Errorf("translations.%s.stages.%s.documents: no document %q", lang, id, title))
				}
			}
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// words picks the translation of english in lang by pick, when there is one
// and the English it translates is still english: a stage the office has
// renamed keeps its new English title rather than an old translation.
func (t *Template) words(lang, english, source string, pick func(Translation) string) Words {
	en := Words{Text: english, Lang: "en", Official: true}
	tr, ok := t.Translations[lang]
	if !ok || english == "" || english != source {
		return en
	}
	if s := pick(tr); s != "" {
		return Words{Text: s, Lang: lang, Official: tr.Official}
	}
	return en
}

// TitleIn is the process title in lang, given the title the process has.
func (t *Template) TitleIn(lang, title string) Words {
	if t == nil {
		return Words{Text: title, Lang: "en", Official: true}
	}
	return t.words(lang, title, t.Title, func(tr Translation) string { return tr.Title })
}

// PhaseTitleIn is phase id's title in lang, given the title it has.
func (t *Template) PhaseTitleIn(lang, id, title string) Words {
	if t == nil {
		return Words{Text: title, Lang: "en", Official: true}
	}
	var source string
	for _, p := range t.Phases {
		if p.ID == id {
			source = p.Title
		}
	}
	return t.words(lang, title, source, func(tr Translation) string { return tr.Phases[id] })
}

// StageIn is s's title, theme and note in lang, as far as the template
// translates them and s still says what the template does.
func (t *Template) StageIn(lang string, s StageSpec) (title, theme, note Words) {
	if t == nil {
		en := func(s string) Words { return Words{Text: s, Lang: "en", Official: true} }
		return en(s.Title), en(s.Theme), en(s.Note)
	}
	src, _ := t.Stage(s.ID)
	title = t.words(lang, s.Title, src.Title, func(tr Translation) string { return tr.Stages[s.ID].Title })
	theme = t.words(lang, s.Theme, src.Theme, func(tr Translation) string { return tr.Stages[s.ID].Theme })
	note = t.words(lang, s.Note, src.Note, func(tr Translation) string { return tr.Stages[s.ID].Note })
	return title, theme, note
}

// DocumentIn is the title of stage stageID's document in lang, given its
// English title.
func (t *Template) DocumentIn(lang, stageID, title string) Words {
	if t == nil {
		return Words{Text: title, Lang: "en", Official: true}
	}
	return t.words(lang, title, title, func(tr Translation) string { return tr.Stages[stageID].Documents[title] })
}

// WithoutTranslations is t without its translations: what a process's
// workflow carries, which never shows words to a reader.
func (t Template) WithoutTranslations() Template {
	t.Translations = nil
	return t
}
