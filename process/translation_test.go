package process_test

import (
	"testing"

	"github.com/compact-un/compact/process"
)

// A reader in any of the UN's languages reads each built-in template's own
// words in that language, marked as Compact's translation.
func TestBuiltinTemplatesSpeakSixLanguages(t *testing.T) {
	all, err := process.Templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range all {
		for _, lang := range process.Languages {
			if got := tpl.TitleIn(lang, tpl.Title); lang != "en" && (got.Lang != lang || got.Official) {
				t.Errorf("%s in %s: title %+v, want an unofficial translation", tpl.ID, lang, got)
			}
			for _, ph := range tpl.Phases {
				if got := tpl.PhaseTitleIn(lang, ph.ID, ph.Title); got.Lang != lang || got.Text == "" {
					t.Errorf("%s in %s: phase %s is %+v", tpl.ID, lang, ph.ID, got)
				}
				for _, s := range ph.Stages {
					title, theme, note := tpl.StageIn(lang, s)
					for _, w := range []struct {
						what, english string
						got           process.Words
					}{{"title", s.Title, title}, {"theme", s.Theme, theme}, {"note", s.Note, note}} {
						if w.english == "" {
							continue
						}
						if w.got.Lang != lang || w.got.Text == "" || (lang != "en" && w.got.Text == w.english) {
							t.Errorf("%s in %s: stage %s's %s is %+v", tpl.ID, lang, s.ID, w.what, w.got)
						}
						if lang != "en" && !w.got.Translated() {
							t.Errorf("%s in %s: stage %s's %s is not marked as Compact's translation", tpl.ID, lang, s.ID, w.what)
						}
					}
					for _, d := range s.Documents {
						if got := tpl.DocumentIn(lang, s.ID, d.Title); got.Lang != lang || (lang != "en" && !got.Translated()) {
							t.Errorf("%s in %s: stage %s's document %q is %+v", tpl.ID, lang, s.ID, d.Title, got)
						}
					}
				}
			}
		}
	}
}

// A stage the office renamed keeps its new English title: the template's
// translation of the old one would mislead.
func TestRenamedStageKeepsItsEnglish(t *testing.T) {
	gcm := lookup(t, "gcm-2018")
	ts1, _ := gcm.Stage("ts1")
	ts1.Title = "Thematic session on labour mobility"
	title, theme, _ := gcm.StageIn("fr", ts1)
	if title.Text != ts1.Title || title.Lang != "en" {
		t.Errorf("renamed title in French: %+v", title)
	}
	if theme.Lang != "fr" {
		t.Errorf("the unchanged theme lost its translation: %+v", theme)
	}
	var none *process.Template
	if w := none.TitleIn("fr", "X"); w.Text != "X" || w.Lang != "en" {
		t.Errorf("a process without a built-in template: %+v", w)
	}
}

func TestTranslationsValidate(t *testing.T) {
	for name, tr := range map[string]map[string]process.Translation{
		"not a UN language":         {"de": {Title: "Pakt"}},
		"English":                   {"en": {Title: "Compact"}},
		"official, no source":       {"fr": {Official: true, Title: "Pacte"}},
		"stage it does not have":    {"fr": {Stages: map[string]process.StageWords{"nowhere": {Title: "Nulle part"}}}},
		"phase it does not have":    {"fr": {Phases: map[string]string{"nowhere": "Nulle part"}}},
		"document it does not have": {"fr": {Stages: map[string]process.StageWords{"imrf": {Documents: map[string]string{"Minutes": "Procès-verbal"}}}}},
	} {
		tpl := *lookup(t, "imrf-2022")
		tpl.Translations = tr
		t.Run(name, func(t *testing.T) { checkInvalid(t, tpl.Validate(), "translations") })
	}
}

// The workflow carries a template without its translations: they are for
// readers, and would only weigh on every history.
func TestWithoutTranslations(t *testing.T) {
	gcm := lookup(t, "gcm-2018")
	if bare := gcm.WithoutTranslations(); bare.Translations != nil || gcm.Translations == nil {
		t.Error("WithoutTranslations should drop the copy's translations and keep the template's")
	}
}

// Every venue of the built-in templates is named in the UN's six
// languages; a name that is not the UN's own is marked as Compact's.
func TestBuiltinPlacesSpeakSixLanguages(t *testing.T) {
	all, err := process.Templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range all {
		for _, s := range tpl.Stages() {
			if s.Place == "" {
				continue
			}
			for _, lang := range process.Languages {
				got := process.PlaceIn(lang, s.Place)
				if got.Lang != lang || got.Text == "" {
					t.Errorf("%s: stage %s's place %q in %s is %+v", tpl.ID, s.ID, s.Place, lang, got)
				}
			}
		}
	}
	for _, c := range []struct {
		lang, name string
		want       process.Words
	}{
		{"fr", "Geneva", process.Words{Text: "Genève", Lang: "fr", Official: true}},
		{"es", "New York", process.Words{Text: "Nueva York", Lang: "es", Official: true}},
		{"zh", "Vienna", process.Words{Text: "维也纳", Lang: "zh", Official: true}},
		{"ru", "Marrakech, Morocco", process.Words{Text: "Марракеш, Марокко", Lang: "ru"}},
		{"ar", "Atlantis", process.Words{Text: "Atlantis", Lang: "en", Official: true}},
	} {
		if got := process.PlaceIn(c.lang, c.name); got != c.want {
			t.Errorf("PlaceIn(%s, %s) = %+v, want %+v", c.lang, c.name, got, c.want)
		}
	}
}
