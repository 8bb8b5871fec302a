package api

import (
	"encoding/json"
	"net/http"
	"slices"
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
}
