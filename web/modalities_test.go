package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
)

// TestModalitiesPage shows an observer the rules a process runs under: the
// one the office set aside, with its reason, the one kept and the one only
// declared, in every language.
func TestModalitiesPage(t *testing.T) {
	ts := newTestSite(t)
	id, code := stacktest.UniqueID("modal")
	start := time.Now().Add(time.Hour)
	d := stacktest.Days(start)
	tmpl := stacktest.Template(id, code, start)
	tmpl.Phases[0].Stages = append(tmpl.Phases[0].Stages,
		process.StageSpec{ID: "stock", Kind: process.Stocktaking, Title: "Stocktaking", Start: d(12), End: d(14)})
	src := process.ModalitySource{Symbol: "A/RES/99/1"}
	tmpl.Modalities = []process.Modality{
		{ID: "T:phases", Text: "Negotiations follow the stocktaking.", Wording: "paraphrased", Source: src,
			Kind: process.OrderRule, Stages: []process.StageKind{process.Draft}, After: process.Stocktaking},
		{ID: "T:hearings", Text: "The PGA chairs the hearings.", Wording: "quoted", Source: process.ModalitySource{Symbol: "A/RES/99/1", Paragraph: "7"},
			Kind: process.ActorRule, Stages: []process.StageKind{process.Hearing}, Role: "chair", Holder: process.PGA},
		{ID: "T:lists", Text: "One list for the preparatory process and one for the conference.", Wording: "paraphrased", Source: src, Kind: process.ListsRule},
	}
	ts.launchTemplate(tmpl)
	const why = "Agreed orally by the Assembly"

	// The office's form names the rule that refuses the move and offers to
	// set it aside, with a reason.
	b := ts.browser()
	b.signIn(ts.token(api.PGAOffice, "PGA", ""))
	move := "/office/processes/" + id + "/stages/zero/move"
	early := url.Values{"start": {d(13).Format(time.DateOnly)}, "reason": {"Ready early"}}
	refusedForm(t, b, move, early, http.StatusUnprocessableEntity, `id="problem-rule"`, "T:phases", "Negotiations follow the stocktaking.",
		`href="#start"`, `id="override"`, `value="T:phases"`)
	early.Set("overrideRule", "T:phases")
	refusedForm(t, b, move, early, http.StatusUnprocessableEntity, `href="#overrideReason"`)
	early.Set("overrideReason", why)
	doneForm(t, b, move, early, "Zero draft")

	page := "/processes/" + id + "/modalities"
	wantPage(t, "modalities", b.get(page), http.StatusOK, `<table id="modalities">`, "Negotiations follow the stocktaking.",
		"Set aside by the office", why, "Kept", "Declared, not checked", "A/RES/99/1, paragraph 7",
		"paragraph not given by the sources at hand", `id="nav-modalities" aria-current="page"`)
	wantPage(t, "overview", b.get("/processes/"+id), http.StatusOK, `href="`+page+`"`)
	wantPage(t, "record", b.get("/processes/"+id+"/record"), http.StatusOK, "Rule of the modalities set aside")
	for _, lang := range Languages {
		wantPage(t, "modalities in "+lang, b.get(page, "Accept-Language", lang), http.StatusOK,
			`<html lang="`+lang+`" dir="`+locales[lang].Dir+`">`, locales[lang].T("modalities.state.overridden"))
	}

	other, code := stacktest.UniqueID("nomodal")
	ts.launchTemplate(stacktest.Template(other, code, start))
	wantPage(t, "no rules", b.get("/processes/"+other+"/modalities"), http.StatusOK, `id="modalities-none"`)
}
