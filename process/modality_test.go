package process_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
)

func on(s string) process.Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return process.Date{Time: t}
}

// modalityTimeline is a stocktaking, a hearing and a zero draft after it.
func modalityTimeline() []process.Stage {
	return []process.Stage{
		{Spec: process.StageSpec{ID: "stocktaking", Kind: process.Stocktaking, Start: on("2030-12-04"), End: on("2030-12-06")}, Status: process.Scheduled},
		{Spec: process.StageSpec{ID: "msh", Kind: process.Hearing, Start: on("2030-12-18")}, Status: process.Scheduled},
		{Spec: process.StageSpec{ID: "zero", Kind: process.Draft, Start: on("2031-02-05")}, Status: process.Scheduled},
	}
}

var (
	orderRule = process.Modality{ID: "R:order", Text: "Negotiations follow the stocktaking.", Wording: "paraphrased",
		Source: process.ModalitySource{Symbol: "A/RES/99/1"}, Kind: process.OrderRule,
		Stages: []process.StageKind{process.Draft, process.NegotiationRound}, After: process.Stocktaking}
	chairRule = process.Modality{ID: "R:chair", Text: "The PGA chairs the hearings.", Wording: "paraphrased",
		Source: process.ModalitySource{Symbol: "A/RES/99/1"}, Kind: process.ActorRule,
		Stages: []process.StageKind{process.Hearing}, Role: "chair", Holder: process.PGA}
	listsRule = process.Modality{ID: "R:lists", Text: "Two lists.", Wording: "paraphrased",
		Source: process.ModalitySource{Symbol: "A/RES/99/1"}, Kind: process.ListsRule}
)

func noticeRule(days *int) process.Modality {
	return process.Modality{ID: "R:notice", Text: "The list is circulated before the meeting.", Wording: "paraphrased",
		Source: process.ModalitySource{Symbol: "A/RES/99/1", Paragraph: "7"}, Kind: process.NoticeRule,
		Stages: []process.StageKind{process.Hearing}, Days: days, Note: "no number in the source"}
}

// breach is the rule a check names, or "".
func breach(t *testing.T, err error) string {
	t.Helper()
	var b *process.Breach
	if err == nil {
		return ""
	}
	if !errors.As(err, &b) || process.KindOf(err) != process.Rule {
		t.Fatalf("want a breach of a rule, got %v", err)
	}
	return b.Rule.ID
}

func TestAZeroDraftWaitsForTheStocktakingToEnd(t *testing.T) {
	rules := []process.Modality{orderRule, chairRule, listsRule}
	schedule := func(spec process.StageSpec) error {
		_, err := process.CheckModalities(rules, modalityTimeline(), process.Act{Kind: process.ActSchedule, Stage: spec}, nil)
		return err
	}
	for _, tc := range []struct {
		name string
		spec process.StageSpec
		want string
	}{
		{"a zero draft on the stocktaking's last day", process.StageSpec{ID: "zero", Kind: process.Draft, Start: on("2030-12-06")}, "R:order"},
		{"a zero draft the day after", process.StageSpec{ID: "zero", Kind: process.Draft, Start: on("2030-12-07")}, ""},
		{"a round added before it", process.StageSpec{ID: "round0", Kind: process.NegotiationRound, Start: on("2030-11-01")}, "R:order"},
		{"the stocktaking postponed past the zero draft", process.StageSpec{ID: "stocktaking", Kind: process.Stocktaking,
			Start: on("2031-02-01"), End: on("2031-02-05")}, "R:order"},
		{"the stocktaking extended to its eve", process.StageSpec{ID: "stocktaking", Kind: process.Stocktaking,
			Start: on("2030-12-04"), End: on("2031-02-04")}, ""},
		{"a hearing anywhere", process.StageSpec{ID: "msh", Kind: process.Hearing, Start: on("2030-01-01")}, ""},
	} {
		if got := breach(t, schedule(tc.spec)); got != tc.want {
			t.Errorf("%s: breaks %q, want %q", tc.name, got, tc.want)
		}
	}

	// Published early, while the stocktaking runs: refused, the rule named
	// with its source in the message.
	zero := modalityTimeline()[2].Spec
	_, err := process.CheckModalities(rules, modalityTimeline(), process.Act{Kind: process.ActPublish, Stage: zero,
		At: on("2030-12-05").Time}, nil)
	if breach(t, err) != "R:order" || !strings.Contains(err.Error(), "A/RES/99/1") {
		t.Errorf("early publication: %v", err)
	}
	if _, err := process.CheckModalities(rules, modalityTimeline(), process.Act{Kind: process.ActPublish, Stage: zero,
		At: on("2031-02-05").Time}, nil); err != nil {
		t.Errorf("publication on its day: %v", err)
	}
	// A breach set aside before does not stop the draft moving on, only
	// moving further the wrong way.
	set := modalityTimeline()
	set[2].Spec.Start = on("2030-12-05")
	for _, tc := range []struct {
		name string
		spec process.StageSpec
		want string
	}{
		{"lengthened", process.StageSpec{ID: "zero", Kind: process.Draft, Start: on("2030-12-05"), End: on("2030-12-06")}, ""},
		{"later, still early", process.StageSpec{ID: "zero", Kind: process.Draft, Start: on("2030-12-06")}, ""},
		{"earlier still", process.StageSpec{ID: "zero", Kind: process.Draft, Start: on("2030-12-01")}, "R:order"},
	} {
		_, err := process.CheckModalities(rules, set, process.Act{Kind: process.ActSchedule, Stage: tc.spec}, nil)
		if got := breach(t, err); got != tc.want {
			t.Errorf("the zero draft set early by an override, %s: breaks %q, want %q", tc.name, got, tc.want)
		}
	}
	// Its draft, published on the early date an override set, needs none
	// again; an override of the rule set aside already is refused.
	published := process.Act{Kind: process.ActPublish, Stage: set[2].Spec, At: on("2030-12-05").Time, SetAside: []string{"R:order"}}
	if _, err := process.CheckModalities(rules, set, published, nil); err != nil {
		t.Errorf("a draft published on a date an override set: %v", err)
	}
	if _, err := process.CheckModalities(rules, set, published, &process.Override{Rule: "R:order", Reason: "again"}); process.KindOf(err) != process.Conflict {
		t.Errorf("a second override of the draft's date: %v", err)
	}
	// A cancelled stocktaking holds nothing back.
	tl := modalityTimeline()
	tl[0].Status = process.Cancelled
	if _, err := process.CheckModalities(rules, tl, process.Act{Kind: process.ActSchedule,
		Stage: process.StageSpec{ID: "zero", Kind: process.Draft, Start: on("2030-12-05")}}, nil); err != nil {
		t.Errorf("after a cancelled stocktaking: %v", err)
	}
}

func TestTheOfficeOverridesARuleWithAReason(t *testing.T) {
	rules := []process.Modality{orderRule}
	early := process.Act{Kind: process.ActSchedule, Stage: process.StageSpec{ID: "zero", Kind: process.Draft, Start: on("2030-12-05")}}
	got, err := process.CheckModalities(rules, modalityTimeline(), early, &process.Override{Rule: "R:order", Reason: "The Assembly agreed orally"})
	if err != nil || got == nil || got.Rule.ID != "R:order" || !strings.Contains(got.Detail, "zero") {
		t.Fatalf("override: %v %v", got, err)
	}
	for _, tc := range []struct {
		name string
		o    process.Override
		act  process.Act
		kind process.Kind
		at   string
	}{
		{"without a reason", process.Override{Rule: "R:order"}, early, process.Invalid, "/override/reason"},
		{"of no rule", process.Override{Rule: "R:none", Reason: "r"}, early, process.Invalid, "/override/rule"},
		{"of a rule kept", process.Override{Rule: "R:order", Reason: "r"},
			process.Act{Kind: process.ActSchedule, Stage: process.StageSpec{ID: "zero", Kind: process.Draft, Start: on("2031-01-01")}},
			process.Conflict, "/override/rule"},
	} {
		_, err := process.CheckModalities(rules, modalityTimeline(), tc.act, &tc.o)
		if process.KindOf(err) != tc.kind || len(process.Fields(err)) != 1 || process.Fields(err)[0].Pointer != tc.at {
			t.Errorf("override %s: %v", tc.name, err)
		}
	}
}

func TestANoticePeriodIsEnforcedOnlyWhenTheSourceGivesIt(t *testing.T) {
	five := 5
	circulate := func(m process.Modality, at string) error {
		_, err := process.CheckModalities([]process.Modality{m}, modalityTimeline(),
			process.Act{Kind: process.ActCirculate, Stage: process.StageSpec{ID: "acc", Kind: process.AccreditationWindow}, At: on(at).Time}, nil)
		return err
	}
	if got := breach(t, circulate(noticeRule(&five), "2030-12-14")); got != "R:notice" {
		t.Errorf("4 days before the hearing: breaks %q", got)
	}
	if err := circulate(noticeRule(&five), "2030-12-13"); err != nil {
		t.Errorf("5 days before the hearing: %v", err)
	}
	if m := noticeRule(nil); m.Enforced() || circulate(m, "2030-12-17") != nil || m.Validate() != nil {
		t.Errorf("a notice without a sourced number of days is declared only")
	}
	if m := noticeRule(nil); func() bool { m.Note = ""; return m.Validate() == nil }() {
		t.Errorf("a notice without days must say the source gives none")
	}
}

func TestOnlyThePGAChairsAHearing(t *testing.T) {
	appoint := func(kind process.StageKind) error {
		_, err := process.CheckModalities([]process.Modality{chairRule}, modalityTimeline(),
			process.Act{Kind: process.ActAppoint, Role: "chair", Stage: process.StageSpec{ID: "x", Kind: kind}}, nil)
		return err
	}
	if got := breach(t, appoint(process.Hearing)); got != "R:chair" {
		t.Errorf("a State's chair of a hearing: breaks %q", got)
	}
	if err := appoint(process.Conference); err != nil {
		t.Errorf("a State's chair of a conference: %v", err)
	}
}

func TestTwoListsAreDeclared(t *testing.T) {
	if listsRule.Enforced() || listsRule.Validate() != nil {
		t.Errorf("the lists rule: enforced %v, %v", listsRule.Enforced(), listsRule.Validate())
	}
	bad := listsRule
	bad.Wording, bad.Source.Symbol = "roughly", ""
	if err := bad.Validate(); process.KindOf(err) != process.Invalid || !strings.Contains(err.Error(), "source.symbol") {
		t.Errorf("a rule without its wording or source: %v", err)
	}
}

// TestTemplatesKeepTheirOwnModalities checks each built-in template's rules
// against its own calendar: the real process kept them.
func TestTemplatesKeepTheirOwnModalities(t *testing.T) {
	all, err := process.Templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range all {
		var tl []process.Stage
		for _, s := range tmpl.Stages() {
			tl = append(tl, process.Stage{Spec: s, Status: process.Scheduled})
		}
		for _, s := range tmpl.Stages() {
			if _, err := process.CheckModalities(tmpl.Modalities, tl, process.Act{Kind: process.ActSchedule, Stage: s}, nil); err != nil {
				t.Errorf("%s: stage %s: %v", tmpl.ID, s.ID, err)
			}
		}
	}
	gcm, err := process.LookupTemplate("gcm-2018")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[process.ModalityKind]bool{}
	for _, m := range gcm.Modalities {
		kinds[m.Kind] = true
		if m.Source.Symbol != "A/RES/71/280" || m.Source.Paragraph != "" {
			t.Errorf("%s cites %s: the reference notes give A/RES/71/280 without paragraph numbers", m.ID, m.Source)
		}
	}
	if len(kinds) != 4 {
		t.Errorf("gcm-2018 declares kinds %v, want order, notice, actor and lists", kinds)
	}
}
