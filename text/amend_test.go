package text

import (
	"strings"
	"testing"

	"github.com/compact-un/compact/process"
)

// testGroups are made up for the tests: real groups' members come with
// the process's data.
func testDelegations(t testing.TB) *Delegations {
	t.Helper()
	d, err := NewDelegations(
		Group{ID: "GRP-A", Name: "Group A", Members: []string{"KEN", "NGA", "ZAF"}},
		Group{ID: "GRP-B", Name: "Group B", Members: []string{"FRA", "DEU"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func identified(t testing.TB) *Revision {
	rev := readDraft(t)
	Identify(nil, rev)
	return rev
}

func TestNewDelegationsRefusesBadGroups(t *testing.T) {
	for _, g := range []Group{
		{ID: "MEX", Members: []string{"ARG"}},
		{ID: "X"},
		{ID: "X", Members: []string{"ARG", "ARG"}},
		{ID: "X", Members: []string{"XXX"}},
	} {
		if _, err := NewDelegations(g); process.KindOf(err) != process.Invalid {
			t.Errorf("%+v: %v", g, err)
		}
	}
	if _, err := NewDelegations(Group{ID: "X", Members: []string{"ARG"}}, Group{ID: "X", Members: []string{"BRA"}}); err == nil {
		t.Error("a group declared twice")
	}
}

func TestValidateAmendmentSaysWhatIsWrong(t *testing.T) {
	d := testDelegations(t)
	rev := identified(t)
	op1 := rev.Paragraphs[3].ID
	title := rev.Paragraphs[0].ID
	ok := Amendment{ID: "A1", Kind: Replace, Paragraph: op1, Text: "New text.", Sponsor: "MEX", CoSponsors: []string{"GRP-B", "ARG"}}
	if err := d.ValidateAmendment(rev, &ok); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		change func(*Amendment)
		kind   process.Kind
		says   string
	}{
		{func(a *Amendment) { a.Revision = 2 }, process.Conflict, "is on revision 2; the draft is at revision 0"},
		{func(a *Amendment) { a.Paragraph = "r9-1" }, process.Invalid, `paragraph "r9-1" is not in revision 0`},
		{func(a *Amendment) { a.Sponsor = "XXX" }, process.Invalid, `sponsor "XXX" is neither a Member State nor a declared group`},
		{func(a *Amendment) { a.CoSponsors = []string{"EU"} }, process.Invalid, `co-sponsor "EU" is neither`},
		{func(a *Amendment) { a.CoSponsors = []string{"MEX"} }, process.Invalid, "MEX is named twice"},
		{func(a *Amendment) { a.Sponsor, a.CoSponsors = "GRP-A", []string{"KEN"} }, process.Invalid, "co-sponsor KEN already sponsors it as a member of GRP-A"},
		{func(a *Amendment) { a.Kind = "rewrite" }, process.Invalid, `unknown kind "rewrite"`},
		{func(a *Amendment) { a.Text = "" }, process.Invalid, "a replace amendment needs its text"},
		{func(a *Amendment) { a.Kind = Delete }, process.Invalid, "a delete amendment has no text of its own"},
		{func(a *Amendment) { a.Kind, a.Text, a.Paragraph = Delete, "", title }, process.Invalid, "deletes the title"},
		{func(a *Amendment) { a.Kind, a.Part = NewParagraph, Heading }, process.Invalid, "a new paragraph goes at the end of a part"},
		{func(a *Amendment) { a.Kind, a.Paragraph, a.Part = NewParagraph, "", Heading }, process.Invalid, `not "heading"`},
		{func(a *Amendment) { a.Text = rev.Paragraphs[3].Text }, process.Invalid, "replaces OP1 with the same text"},
		{func(a *Amendment) { a.Text = strings.Repeat("x", MaxParagraphBytes+1) }, process.TooLarge, "a paragraph has at most"},
		{func(a *Amendment) { a.Text = "bell\a" }, process.Invalid, "character U+0007 cannot be in a draft"},
		{func(a *Amendment) {
			a.Kind, a.Text, a.Edits = EditWords, "", []Edit{{Old: "Charter of the Nations", New: "x"}}
		}, process.Invalid, `edit 1: "Charter of the Nations" is not in OP1`},
		{func(a *Amendment) { a.Kind, a.Text, a.Edits = EditWords, "", []Edit{{Old: "the", New: "x"}} }, process.Invalid, `edit 1: "the" is 3 times in OP1: quote more words`},
		{func(a *Amendment) { a.Kind, a.Text = EditWords, "" }, process.Invalid, "needs at least one edit"},
		{func(a *Amendment) { a.Cites = []string{""} }, process.Invalid, "cites an empty contribution number"},
	} {
		a := ok
		c.change(&a)
		err := d.ValidateAmendment(rev, &a)
		if process.KindOf(err) != c.kind || err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%v (%s), want %s saying %q", err, process.KindOf(err), c.kind, c.says)
		}
	}
}

func TestValidatePosition(t *testing.T) {
	d := testDelegations(t)
	for _, c := range []struct {
		p    Position
		kind process.Kind
	}{
		{Position{Party: "GRP-A", Amendment: "A1", Stance: Support}, process.Internal},
		{Position{Party: "USA", Amendment: "A1", Stance: Reservation, Statement: "Subject to capitals."}, process.Internal},
		{Position{Party: "ZZZ", Amendment: "A1", Stance: Support}, process.Invalid},
		{Position{Party: "USA", Amendment: "A1", Stance: "abstain"}, process.Invalid},
		{Position{Party: "USA", Stance: Oppose}, process.Invalid},
		{Position{Party: "USA", Amendment: "A1", Stance: Oppose, Statement: strings.Repeat("x", MaxStatementBytes+1)}, process.TooLarge},
	} {
		err := d.ValidatePosition(&c.p)
		if c.kind == process.Internal && err != nil || c.kind != process.Internal && process.KindOf(err) != c.kind {
			t.Errorf("%+v: %v", c.p, err)
		}
	}
}
