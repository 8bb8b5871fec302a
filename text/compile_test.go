package text

import (
	"fmt"
	"strings"
	"testing"

	"github.com/compact-un/compact/process"
)

func compileScenario(t *testing.T) (*Revision, []Amendment, []Position, Marks) {
	d := testDelegations(t)
	rev := identified(t)
	id := func(label string) string {
		for i := range rev.Paragraphs {
			if rev.Label(i) == label {
				return rev.Paragraphs[i].ID
			}
		}
		t.Fatalf("no %s", label)
		return ""
	}
	ams := []Amendment{
		{ID: "A1", Kind: Replace, Paragraph: id("OP1"), Text: "This Compact rests on the Charter.", Sponsor: "MEX", CoSponsors: []string{"ARG"}, Cites: []string{"GCM-TS1-000003"}},
		{ID: "A2", Kind: Replace, Paragraph: id("OP1"), Text: "This Compact rests on the Charter and on law.", Sponsor: "GRP-B"},
		{ID: "A3", Kind: Delete, Paragraph: id("OP2"), Sponsor: "USA"},
		{ID: "A4", Kind: InsertAfter, Paragraph: id("OP3 (a)"), Text: "Improve data on children;", Sponsor: "GRP-A"},
		{ID: "A5", Kind: EditWords, Paragraph: id("OP3"), Edits: []Edit{{Old: "strengthen", New: "build"}}, Sponsor: "BRA", Cites: []string{"GCM-TS1-000001"}},
		{ID: "A6", Kind: NewParagraph, Part: Operative, Text: "We will review progress.", Sponsor: "CAN", Cites: []string{"GCM-TS1-000002", "GCM-TS1-000001"}},
	}
	for i := range ams {
		if err := d.ValidateAmendment(rev, &ams[i]); err != nil {
			t.Fatal(err)
		}
	}
	positions := []Position{
		{Party: "KEN", Amendment: "A1", Stance: Support},
		{Party: "USA", Amendment: "A1", Stance: Oppose},
		{Party: "FRA", Amendment: "A1", Stance: Reservation, Statement: "Pending instructions."},
		{Party: "KEN", Amendment: "A1", Stance: Oppose},
		{Party: "GRP-A", Amendment: "A3", Stance: Oppose},
	}
	marks := Marks{
		Paragraphs: map[string]Status{id("PP1"): AgreedAdRef, id("OP2"): Agreed},
		Amendments: map[string]Decision{
			"A1": {Outcome: Incorporated},
			"A2": {Outcome: NotRetained, Note: "close to A1"},
			"A4": {Outcome: Merged, Text: "Improve data on migrant children;"},
			"A5": {Outcome: Incorporated},
			"A6": {Outcome: Incorporated},
		},
	}
	return rev, ams, positions, marks
}

func compiledScenario(t *testing.T) (*Revision, []Amendment, *Compilation) {
	rev, ams, positions, marks := compileScenario(t)
	c, err := Compile(rev, ams, positions, marks)
	if err != nil {
		t.Fatal(err)
	}
	return rev, ams, c
}

func TestCompilationShowsProposalsInPlace(t *testing.T) {
	_, _, c := compiledScenario(t)
	text := c.Text()
	for _, want := range []string{
		"PP1. [agreed ad ref] We, the Heads of State",
		"1. This Global Compact rests on the purposes",
		"    Alt 1: [This Compact rests on the Charter.] — MEX, ARG (A1; support 0, oppose 2, reservations 1) — incorporated\n",
		"    Alt 2: [This Compact rests on the Charter and on law.] — GRP-B (A2; support 0, oppose 0, reservations 0) — not retained: close to A1\n",
		"2. [agreed] It also rests",
		"    [delete] — USA (A3; support 0, oppose 1, reservations 0)\n",
		"    [insert after: Improve data on children;] — GRP-A (A4; support 0, oppose 0, reservations 0) — merged\n",
		"    Alt 1: [«strengthen» → «build»] — BRA (A5;",
		"4. We commit to create conducive political, economic, social and environmental conditions.\n    [new operative paragraph: We will review progress.] — CAN (A6;",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("compilation lacks %q:\n%s", want, text)
		}
	}
	if a1 := c.Entries[3].Proposals[0]; fmt.Sprint(a1.Support, a1.Oppose, a1.Reservation, a1.Statements) != "[] [KEN USA] [FRA] [FRA: Pending instructions.]" {
		t.Errorf("A1's positions: %v %v %v %v", a1.Support, a1.Oppose, a1.Reservation, a1.Statements)
	}
}

func TestNextRevisionTracesItsChanges(t *testing.T) {
	rev, _, c := compiledScenario(t)
	next, sources, err := c.Next()
	if err != nil {
		t.Fatal(err)
	}
	if next.Number != 1 {
		t.Errorf("next revision %d", next.Number)
	}
	var got []string
	for i, p := range next.Paragraphs {
		got = append(got, next.Label(i)+" "+p.ID+" "+p.Text)
	}
	want := []string{
		"the title r0-1 Global compact for safe, orderly and regular migration",
		"PP1 r0-2 We, the Heads of State and Government and High Representatives, meeting in Morocco on 10 and 11 December 2018,",
		"PP2 r0-3 Reaffirming the New York Declaration for Refugees and Migrants,",
		"OP1 r0-4 This Compact rests on the Charter.",
		"OP2 r0-5 It also rests upon the Universal Declaration of Human Rights.",
		"Objective 1 r0-6 Collect and utilize accurate and disaggregated data as a basis for evidence-based policies",
		"OP3 r0-7 We commit to build the global evidence base on international migration. To realize this commitment, we will draw from the following actions:",
		"OP3 (a) r0-8 Elaborate and implement a comprehensive strategy for improving migration data;",
		"OP3 (b) r1-9 Improve data on migrant children;",
		"OP3 (c) r0-9 Improve international comparability and compatibility of migration statistics;",
		"Objective 2 r0-10 Minimize the adverse drivers and structural factors that compel people to leave their country of origin",
		"OP4 r0-11 We commit to create conducive political, economic, social and environmental conditions.",
		"OP5 r1-13 We will review progress.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("next revision:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s := fmt.Sprint(sources); s != "[{r0-4 edited [A1] [GCM-TS1-000003]} {r0-7 edited [A5] [GCM-TS1-000001]} {r1-9 added [A4] []} {r1-13 added [A6] [GCM-TS1-000001 GCM-TS1-000002]}]" {
		t.Errorf("sources: %s", s)
	}
	// The diff between the revisions shows the same changes.
	var changed []string
	for _, ch := range Diff(rev, next) {
		if ch.Op != Kept {
			changed = append(changed, string(ch.Op)+" "+ch.ID)
		}
	}
	if s := strings.Join(changed, ", "); s != "edited r0-4, edited r0-7, added r1-9, added r1-13" {
		t.Errorf("diff: %s", s)
	}
}

func TestNextRefusesDecisionsThatCannotBothHold(t *testing.T) {
	rev, ams, positions, marks := compileScenario(t)
	marks.Amendments["A2"] = Decision{Outcome: Incorporated}
	c, err := Compile(rev, ams, positions, marks)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Next(); process.KindOf(err) != process.Conflict || !strings.Contains(err.Error(), "OP1 is changed by both A1 and A2: merge them") {
		t.Errorf("two replacements: %v", err)
	}
	marks.Amendments["A2"] = Decision{Outcome: Merged, Text: "This Compact rests on the Charter."}
	c, _ = Compile(rev, ams, positions, marks)
	if _, _, err := c.Next(); err != nil {
		t.Errorf("merged into the incorporated wording: %v", err)
	}
	if _, err := Compile(rev, ams, append(positions, Position{Party: "USA", Amendment: "A9", Stance: Oppose}), marks); process.KindOf(err) != process.Invalid {
		t.Errorf("a position on an unknown amendment: %v", err)
	}
}

func TestDeletingAParagraphTakesItsSubparagraphs(t *testing.T) {
	rev, ams, positions, marks := compileScenario(t)
	op3 := ams[4].Paragraph // A5 edits OP3
	ams = append(ams, Amendment{ID: "A7", Revision: 0, Kind: Delete, Paragraph: op3, Sponsor: "USA"})
	delete(marks.Amendments, "A5")
	marks.Amendments["A7"] = Decision{Outcome: Incorporated}
	c, err := Compile(rev, ams, positions, marks)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Next(); process.KindOf(err) != process.Conflict || !strings.Contains(err.Error(), "OP3 (a) goes with its paragraph, deleted by A7, yet A4 is taken on it") {
		t.Fatalf("A4 inserts after (a) of a deleted OP3: %v", err)
	}
	delete(marks.Amendments, "A4")
	if c, err = Compile(rev, ams, positions, marks); err != nil {
		t.Fatal(err)
	}
	next, sources, err := c.Next()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range next.Paragraphs {
		if p.Level > 0 {
			t.Errorf("subparagraph %s %q left without its paragraph", p.ID, p.Text)
		}
	}
	if s := fmt.Sprint(sources); !strings.Contains(s, "{r0-7 removed [A7] []} {r0-8 removed [A7] []} {r0-9 removed [A7] []}") {
		t.Errorf("sources: %s", s)
	}
}
