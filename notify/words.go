package notify

import (
	"cmp"
	"sync"

	"github.com/compact-un/compact/process"
)

// builtin are the built-in templates by ID, whose words are translated.
var builtin = sync.OnceValue(func() map[string]*process.Template {
	out := map[string]*process.Template{}
	all, _ := process.Templates() // the API refuses to start without them
	for _, t := range all {
		out[t.ID] = t
	}
	return out
})

// words are the process's title and the stage's in lang, where the
// process's template is a built-in one that translates them: the stage by
// its title rather than its ID, the title in English where there is no
// translation (process.Template.StageIn).
func words(lang string, m Message, stageID string) (title, stage string) {
	title, stage = cmp.Or(m.Process, m.ProcessID), stageID
	tpl := builtin()[m.TemplateID]
	if tpl == nil {
		return title, stage
	}
	title = tpl.TitleIn(lang, title).Text
	if spec, ok := tpl.Stage(stageID); ok {
		t, _, _ := tpl.StageIn(lang, spec)
		stage = t.Text
	}
	return title, stage
}
