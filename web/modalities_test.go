package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/lang"
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
	for _, lang := range lang.All {
		wantPage(t, "modalities in "+lang, b.get(page, "Accept-Language", lang), http.StatusOK,
			`<html lang="`+lang+`" dir="`+locales[lang].Dir+`">`, locales[lang].T("modalities.state.overridden"))
	}

	other, code := stacktest.UniqueID("nomodal")
	ts.launchTemplate(stacktest.Template(other, code, start))
	wantPage(t, "no rules", b.get("/processes/"+other+"/modalities"), http.StatusOK, `id="modalities-none"`)
}

// TestOfficeFormsSetARuleAside: the office's forms that add a stage,
// appoint to a stage, circulate a list and publish a draft name the rule
// an act breaks, on the field at fault, and offer to set it aside with a
// reason; with one, the act is done.
func TestOfficeFormsSetARuleAside(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	seven := 7
	src := process.ModalitySource{Symbol: "TEST/1"} // a test-only template's rules
	id, _ := launchNow(t, ts, "modal-forms", func(tmpl *process.Template) {
		d := stacktest.Days(tmpl.Phases[0].Stages[0].Start.Time)
		tmpl.Phases[0].Stages = append(tmpl.Phases[0].Stages,
			process.StageSpec{ID: "stock", Kind: process.Stocktaking, Title: "Stocktaking", Start: d(0), End: d(2)},
			process.StageSpec{ID: "msh", Kind: process.Hearing, Title: "Hearing", Start: d(3)})
		tmpl.Phases[1].Stages[0].Start = d(0) // the zero draft is due now, before the stocktaking ends
		tmpl.Modalities = []process.Modality{
			{ID: "T:phases", Text: "Negotiations follow the stocktaking.", Wording: "paraphrased", Source: src,
				Kind: process.OrderRule, Stages: []process.StageKind{process.Draft}, After: process.Stocktaking},
			{ID: "T:notice", Text: "The list is circulated seven days before a hearing.", Wording: "paraphrased", Source: src,
				Kind: process.NoticeRule, Stages: []process.StageKind{process.Hearing}, Days: &seven},
			{ID: "T:hearings", Text: "The PGA chairs the hearings.", Wording: "paraphrased", Source: src,
				Kind: process.ActorRule, Stages: []process.StageKind{process.Hearing}, Role: "chair", Holder: process.PGA},
		}
	})
	ts.await("the stages to run", func() bool { return recorded(id, "acc", "window.opened") && stageRuns(id, "zero") })
	base := "/office/processes/" + id
	b := ts.browser()
	b.signIn(ts.token(api.PGAOffice, "PGA", ""))
	const why = "Agreed orally by the Assembly"
	setAside := func(form url.Values, rule string) url.Values {
		form.Set("overrideRule", rule)
		form.Set("overrideReason", why)
		return form
	}

	draft := url.Values{"revision": {"0"}, "paragraphs": {"We commit."}, "confirm": {"true"}}
	refusedForm(t, b, base+"/stages/zero/draft", draft, http.StatusUnprocessableEntity, `id="problem-rule"`, "T:phases",
		`href="#overrideRule"`, `id="overrideRule-error"`, `value="T:phases"`)
	// The preview keeps the rule set aside and its reason for the publication.
	preview := setAside(url.Values{"revision": {"0"}, "paragraphs": {"We commit."}}, "T:phases")
	wantPage(t, "preview with a rule set aside", b.post(base+"/stages/zero/draft", preview), http.StatusOK, `id="draft-preview"`,
		`<input type="hidden" name="overrideRule" value="T:phases">`, `<input type="hidden" name="overrideReason" value="`+why+`">`)
	doneForm(t, b, base+"/stages/zero/draft", setAside(draft, "T:phases"), "Zero draft")

	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	add := url.Values{"phase": {"negotiations"}, "id": {"early"}, "kind": {"draft"}, "title": {"An early draft"}, "start": {tomorrow}}
	refusedForm(t, b, base+"/stages/new", add, http.StatusUnprocessableEntity, `id="problem-rule"`, "T:phases", `href="#start"`, `id="override"`)
	doneForm(t, b, base+"/stages/new", setAside(add, "T:phases"), "An early draft")

	wantPage(t, "appoint form", b.get(base+"/co-facilitators"), http.StatusOK, `id="role"`, `<option value="chair"`, `<option value="msh"`)
	wantPage(t, "appoint form in French", b.get(base+"/co-facilitators", "Accept-Language", "fr"), http.StatusOK,
		locales["fr"].T("office.appoint.role.label"), locales["fr"].T("office.appoint.stage.none"))
	appoint := url.Values{"state": {"CHE"}, "role": {"chair"}, "stage": {"msh"}}
	refusedForm(t, b, base+"/co-facilitators", appoint, http.StatusUnprocessableEntity, `id="problem-rule"`, "T:hearings", `href="#stage"`, `id="override"`)
	doneForm(t, b, base+"/co-facilitators", setAside(appoint, "T:hearings"), "CHE")

	refusedForm(t, b, base+"/stages/acc/circulate", url.Values{}, http.StatusUnprocessableEntity, `id="problem-rule"`, "T:notice",
		`href="#overrideRule"`, `value="T:notice"`)
	refusedForm(t, b, base+"/stages/acc/circulate", setAside(url.Values{}, "T:notice"), http.StatusConflict, "no application waits")
}
