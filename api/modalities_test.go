package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// TestAZeroDraftBeforeTheStocktakingIsRefusedUnlessOverridden moves a
// zero draft before the stocktaking ends: refused with the rule named,
// nothing changed; then moved with the office's override, whose reason the
// record keeps and the modalities route lists.
func TestAZeroDraftBeforeTheStocktakingIsRefusedUnlessOverridden(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("modal")
	start := time.Now().Add(time.Hour)
	d := stacktest.Days(start)
	tmpl := testTemplate(id, code, start)
	tmpl.Phases[0].Stages = append(tmpl.Phases[0].Stages,
		process.StageSpec{ID: "stock", Kind: process.Stocktaking, Title: "Stocktaking", Start: d(12), End: d(14)},
		process.StageSpec{ID: "msh", Kind: process.Hearing, Title: "Hearing", Start: d(15)})
	src := process.ModalitySource{Symbol: "A/RES/99/1"}
	tmpl.Modalities = []process.Modality{
		{ID: "T:phases", Text: "Negotiations follow the stocktaking.", Wording: "paraphrased", Source: src,
			Kind: process.OrderRule, Stages: []process.StageKind{process.Draft, process.NegotiationRound}, After: process.Stocktaking},
		{ID: "T:hearings", Text: "The PGA chairs the hearings.", Wording: "paraphrased", Source: src,
			Kind: process.ActorRule, Stages: []process.StageKind{process.Hearing}, Role: "chair", Holder: process.PGA},
		{ID: "T:lists", Text: "Two lists.", Wording: "paraphrased", Source: src, Kind: process.ListsRule},
	}
	launchProcess(t, a, pga, inlineProcess(tmpl))
	zero := "/v1/processes/" + id + "/stages/zero/move"
	early := d(13).Format(time.DateOnly) // midnight, before the stocktaking's last day ends
	earlyDay, _ := time.Parse(time.DateOnly, early)

	res := a.do("POST", zero, pga, map[string]any{"start": early, "reason": "Ready early"})
	var p wire.Problem
	res.JSON(t, &p)
	if res.Status != http.StatusUnprocessableEntity || p.Rule == nil || p.Rule.ID != "T:phases" || p.Rule.Source != "A/RES/99/1" ||
		p.Rule.Text == "" || len(p.Errors) != 1 || p.Errors[0].Pointer != "/start" {
		t.Fatalf("a zero draft before the stocktaking ends: %d %s", res.Status, res.Body)
	}
	if got := timelineStage(t, a, id, "zero"); !got.Spec.Start.Equal(d(20).Time) {
		t.Fatalf("the refused move moved the zero draft to %s", got.Spec.Start)
	}
	added := map[string]any{"phase": "negotiations", "stage": process.StageSpec{ID: "zero-bis", Kind: process.Draft, Title: "Another zero draft", Start: d(13)}}
	res = a.do("POST", "/v1/processes/"+id+"/stages", pga, added)
	res.JSON(t, &p)
	if res.Status != http.StatusUnprocessableEntity || p.Rule == nil || p.Rule.ID != "T:phases" || len(p.Errors) != 1 || p.Errors[0].Pointer != "/stage/start" {
		t.Errorf("a zero draft added before the stocktaking ends: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "the refused stage", a.do("GET", "/v1/processes/"+id+"/stages/zero-bis", "", nil), http.StatusNotFound)
	wantProblem(t, "an override without a reason", a.do("POST", zero, pga, map[string]any{"start": early, "reason": "Ready early",
		"override": map[string]any{"rule": "T:phases"}}), http.StatusBadRequest)
	wantProblem(t, "an override of another rule", a.do("POST", zero, pga, map[string]any{"start": early, "reason": "Ready early",
		"override": map[string]any{"rule": "T:hearings", "reason": "r"}}), http.StatusUnprocessableEntity)
	res = a.do("POST", "/v1/processes/"+id+"/co-facilitators", pga, map[string]any{"state": "CHE", "role": "chair", "stage": "msh"})
	res.JSON(t, &p)
	if res.Status != http.StatusUnprocessableEntity || p.Rule == nil || p.Rule.ID != "T:hearings" {
		t.Errorf("a State's chair of a hearing: %d %s", res.Status, res.Body)
	}

	const why = "The Assembly agreed orally to open the negotiations early"
	res = a.do("POST", zero, pga, map[string]any{"start": early, "reason": "Ready early",
		"override": map[string]any{"rule": "T:phases", "reason": why}})
	if res.Status != http.StatusOK {
		t.Fatalf("the move with an override: %d %s", res.Status, res.Body)
	}
	if got := timelineStage(t, a, id, "zero"); !got.Spec.Start.Equal(earlyDay) {
		t.Fatalf("the overridden move left the zero draft on %s", got.Spec.Start)
	}

	// The record holds the override, who made it and why, in its chain.
	res = a.do("GET", "/v1/processes/"+id+"/record", "", nil)
	var page wire.RecordPage
	res.JSON(t, &page)
	i := slices.IndexFunc(page.Entries, func(e wire.RecordEntry) bool { return e.Event == "modality.overridden" })
	if i < 0 {
		t.Fatalf("no modality.overridden in the record: %s", res.Body)
	}
	// Recorded with the move, by the Process: the act never stands without it.
	if i == 0 || page.Entries[i-1].Event != "stage.rescheduled" || page.Entries[i-1].StageID != "zero" || page.Entries[i-1].At != page.Entries[i].At {
		t.Errorf("the override follows %+v, want the move it was made for", page.Entries[max(i-1, 0)])
	}
	var data struct{ Rule, Reason, By, Role, Stage, Act string }
	if err := json.Unmarshal(page.Entries[i].Data, &data); err != nil || data.Rule != "T:phases" || data.Reason != why ||
		data.Role != string(PGAOffice) || data.Stage != "zero" || data.Act != "schedule" || data.By == "" {
		t.Errorf("the override as recorded: %s (%v)", page.Entries[i].Data, err)
	}
	res = a.do("GET", "/v1/processes/"+id+"/record/verify", "", nil)
	var v wire.Verification
	res.JSON(t, &v)
	if res.Status != http.StatusOK || !v.Verified {
		t.Errorf("the chain with the override: %d %s", res.Status, res.Body)
	}

	// The modalities route lists each rule with its state.
	res = a.do("GET", "/v1/processes/"+id+"/modalities", "", nil)
	var m wire.Modalities
	res.JSON(t, &m)
	states := map[string]string{}
	for _, r := range m.Rules {
		states[r.ID] = r.State
	}
	if res.Status != http.StatusOK || states["T:phases"] != wire.ModalityOverridden || states["T:hearings"] != wire.ModalityKept ||
		states["T:lists"] != wire.ModalityDeclared || len(m.Rules[0].Overrides) != 1 || m.Rules[0].Overrides[0].Reason != why {
		t.Errorf("modalities: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "the modalities of no process", a.do("GET", "/v1/processes/nope/modalities", "", nil), http.StatusNotFound)

	// A State's chair of the hearing, the rule set aside: the override is
	// recorded with the appointment, by the Process.
	res = a.do("POST", "/v1/processes/"+id+"/co-facilitators", pga, map[string]any{"state": "CHE", "role": "chair", "stage": "msh",
		"override": map[string]any{"rule": "T:hearings", "reason": "The President asked Switzerland to chair"}})
	if res.Status != http.StatusOK {
		t.Fatalf("the chair with an override: %d %s", res.Status, res.Body)
	}
	res = a.do("GET", "/v1/processes/"+id+"/record", "", nil)
	res.JSON(t, &page)
	i = slices.IndexFunc(page.Entries, func(e wire.RecordEntry) bool {
		return e.Event == "modality.overridden" && strings.Contains(string(e.Data), "T:hearings")
	})
	if i <= 0 || page.Entries[i-1].Event != "chair.appointed" || page.Entries[i-1].At != page.Entries[i].At || page.Entries[i].StageID != "msh" {
		t.Errorf("the chair's override in the record: %s", res.Body)
	}
}

// overrides are the modality.overridden entries of a process's record, as
// the public record shows them.
func overrides(t *testing.T, a *apiServer, processID string) []wire.RecordEntry {
	t.Helper()
	res := a.do("GET", "/v1/processes/"+processID+"/record", "", nil)
	var page wire.RecordPage
	res.JSON(t, &page)
	if res.Status != http.StatusOK {
		t.Fatalf("record: %d %s", res.Status, res.Body)
	}
	var out []wire.RecordEntry
	for _, e := range page.Entries {
		if e.Event == "modality.overridden" {
			out = append(out, e)
		}
	}
	return out
}

// launchStocktakingFirst launches a drafting process whose zero draft is
// due zeroIn from now, before a stocktaking a day from now that the order
// rule T:phases puts before every draft; it returns the process and its now.
func launchStocktakingFirst(t *testing.T, a *apiServer, pga, prefix string, zeroIn time.Duration) (string, time.Time) {
	t.Helper()
	id, code := uniqueID(prefix)
	now := time.Now().UTC().Truncate(time.Second)
	tmpl := draftingTemplate(id, code, now.Add(zeroIn), now.Add(96*time.Hour))
	tmpl.Phases = append([]process.Phase{{ID: "preparatory", Title: "Preparatory", Stages: []process.StageSpec{
		{ID: "stock", Kind: process.Stocktaking, Title: "Stocktaking", Start: process.Date{Time: now.Add(24 * time.Hour)}, End: process.Date{Time: now.Add(48 * time.Hour)}},
	}}}, tmpl.Phases...)
	tmpl.Modalities = []process.Modality{{ID: "T:phases", Text: "Negotiations follow the stocktaking.", Wording: "paraphrased",
		Source: process.ModalitySource{Symbol: "A/RES/99/1"}, Kind: process.OrderRule,
		Stages: []process.StageKind{process.Draft, process.NegotiationRound}, After: process.Stocktaking}}
	launchProcess(t, a, pga, inlineProcess(tmpl))
	return id, now
}

// TestAnOverrideIsRecordedOnlyForAnActDoneAndOnce sets the order rule
// aside for a draft before the stocktaking: acts the workflow then refuses
// (a day past) leave no override in the record; the stage added, the
// request sent twice, leaves one; and its draft, published on the early
// date, needs no second override.
func TestAnOverrideIsRecordedOnlyForAnActDoneAndOnce(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, now := launchStocktakingFirst(t, a, pga, "modal-once", 72*time.Hour)
	at := func(d time.Duration) process.Date { return process.Date{Time: now.Add(d)} }
	override := map[string]any{"rule": "T:phases", "reason": "The Assembly agreed orally to open the negotiations early"}

	yesterday := now.AddDate(0, 0, -1).Format(time.DateOnly)
	wantProblem(t, "an overridden move to a day past", a.do("POST", "/v1/processes/"+id+"/stages/zero/move", pga,
		map[string]any{"start": yesterday, "reason": "Ready early", "override": override}), http.StatusUnprocessableEntity)
	stages := "/v1/processes/" + id + "/stages"
	early := func(start process.Date) map[string]any {
		return map[string]any{"phase": "negotiations", "override": override,
			"stage": process.StageSpec{ID: "early", Kind: process.Draft, Title: "An early draft", Start: start}}
	}
	wantProblem(t, "an overridden draft added in the past", a.do("POST", stages, pga, early(at(-time.Hour))), http.StatusUnprocessableEntity)
	if got := overrides(t, a, id); len(got) != 0 {
		t.Fatalf("acts refused left overrides in the record: %+v", got)
	}

	// Soon enough to publish in the test, late enough to be in the future
	// when the request lands.
	soon := process.Date{Time: time.Now().UTC().Add(10 * time.Second).Truncate(time.Second)}
	if res := a.do("POST", stages, pga, early(soon)); res.Status != http.StatusCreated {
		t.Fatalf("the overridden addition: %d %s", res.Status, res.Body)
	}
	a.do("POST", stages, pga, early(soon)) // a retry: its answer aside, the record is what counts
	if got := overrides(t, a, id); len(got) != 1 {
		t.Fatalf("the addition sent twice left %d overrides, want 1", len(got))
	}

	awaitStageWorkflow(t, id, "early")
	res := a.do("POST", stages+"/early/drafts", pga, map[string]any{"revision": 0, "paragraphs": []string{"We commit."}})
	wantStatus(t, "the draft on its overridden date, with no second override", res, http.StatusCreated)
	if got := overrides(t, a, id); len(got) != 1 {
		t.Errorf("the publication recorded another override: %d", len(got))
	}
	res = a.do("GET", "/v1/processes/"+id+"/modalities", "", nil)
	var m wire.Modalities
	res.JSON(t, &m)
	if res.Status != http.StatusOK || len(m.Rules) != 1 || m.Rules[0].State != wire.ModalityOverridden || len(m.Rules[0].Overrides) != 1 {
		t.Errorf("modalities after the publication: %d %s", res.Status, res.Body)
	}
}

// TestADraftPublishedWithARuleSetAsideCarriesIt: a zero draft due before
// the stocktaking is refused publication under the order rule; published
// with the rule set aside, its record entry and the override's are written
// together by its workflow, the override once however often it is sent.
func TestADraftPublishedWithARuleSetAsideCarriesIt(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, _ := launchStocktakingFirst(t, a, pga, "modal-publish", 2*time.Second)
	awaitStageWorkflow(t, id, "zero")

	drafts := "/v1/processes/" + id + "/stages/zero/drafts"
	draft := map[string]any{"revision": 0, "paragraphs": []string{"We commit."}}
	res := a.do("POST", drafts, pga, draft)
	if p := problemOf(t, res); res.Status != http.StatusUnprocessableEntity || p.Rule == nil || p.Rule.ID != "T:phases" {
		t.Fatalf("a zero draft before the stocktaking: %d %s", res.Status, res.Body)
	}
	draft["override"] = map[string]any{"rule": "T:phases", "reason": "The Assembly asked for the draft early"}
	wantStatus(t, "the draft with the rule set aside", a.do("POST", drafts, pga, draft), http.StatusCreated)
	a.do("POST", drafts, pga, draft) // a retry
	res = a.do("GET", "/v1/processes/"+id+"/record", "", nil)
	var page wire.RecordPage
	res.JSON(t, &page)
	var got []int
	for i, e := range page.Entries {
		if e.Event == "modality.overridden" {
			got = append(got, i)
		}
	}
	if len(got) != 1 || got[0] == 0 || page.Entries[got[0]-1].Event != "draft.published" || page.Entries[got[0]].StageID != "zero" ||
		!strings.HasSuffix(page.Entries[got[0]].Key, "/revision-0") {
		t.Errorf("the publication's override in the record, want one just after it: %s", res.Body)
	}
}

// TestANoticeRuleWithSourcedDaysRefusesALateCirculation runs a test-only
// rule (a list circulated seven days before a hearing; no real template
// gives a number): a circulation five days before is refused with the
// rule; those the workflow refuses leave no override; the overridden one,
// sent twice, is recorded once.
func TestANoticeRuleWithSourcedDaysRefusesALateCirculation(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("modal-notice")
	tmpl := accreditationTemplate(id, code)
	acc := tmpl.Phases[0].Stages[0]
	tmpl.Phases = append(tmpl.Phases, process.Phase{ID: "hearings", Title: "Hearings", Stages: []process.StageSpec{
		{ID: "msh", Kind: process.Hearing, Title: "Hearing", Start: process.Date{Time: acc.Start.AddDate(0, 0, 5)}}}})
	seven := 7
	tmpl.Modalities = []process.Modality{{ID: "T:notice", Text: "The list is circulated seven days before a hearing.", Wording: "paraphrased",
		Source: process.ModalitySource{Symbol: "TEST/1"}, Kind: process.NoticeRule, Stages: []process.StageKind{process.Hearing}, Days: &seven}}
	launchProcess(t, a, pga, mergeBody(inlineProcess(tmpl), map[string]any{"scale": accreditationScale}))
	circulate := "/v1/processes/" + id + "/stages/acc/circulate"
	overridden := map[string]any{"override": map[string]any{"rule": "T:notice", "reason": "The hearing cannot wait"}}

	pollStore(t, "the accreditation window to open", func() bool { return windowOpen(id, "acc") })
	res := a.do("POST", circulate, pga, nil)
	var p wire.Problem
	res.JSON(t, &p)
	if res.Status != http.StatusUnprocessableEntity || p.Rule == nil || p.Rule.ID != "T:notice" || p.Rule.Source != "TEST/1" {
		t.Fatalf("a list five days before the hearing: %d %s", res.Status, res.Body)
	}

	if res := a.do("POST", "/v1/processes/"+id+"/applications", a.token(Stakeholder, "ngo-a", ""),
		map[string]any{"name": "Migrants Forum", "category": "civil-society"}); res.Status != http.StatusCreated {
		t.Fatalf("apply: %d %s", res.Status, res.Body)
	}
	// The intake takes the application a moment after it answers: until
	// then the workflow refuses the circulation, and no override is kept.
	pollStore(t, "the overridden circulation", func() bool {
		res = a.do("POST", circulate, pga, overridden)
		return res.Status != http.StatusConflict
	})
	if res.Status != http.StatusOK {
		t.Fatalf("the overridden circulation: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "the circulation sent again", a.do("POST", circulate, pga, overridden), http.StatusConflict)
	got := overrides(t, a, id)
	var data struct{ Rule, Act, Stage string }
	if len(got) != 1 || json.Unmarshal(got[0].Data, &data) != nil || data != (struct{ Rule, Act, Stage string }{"T:notice", "circulate", "acc"}) {
		t.Errorf("overrides of the circulation sent twice: %+v", got)
	}
}
