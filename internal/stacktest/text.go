package stacktest

import (
	"context"
	"crypto/rand"
	"slices"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
)

const zeroDraft = `# Global compact for safe, orderly and regular migration

PP1. Reaffirming the New York Declaration for Refugees and Migrants,

1. This Global Compact rests on the purposes and principles of the Charter.

2. We commit to strengthen the global evidence base on international migration.
(a) Elaborate a comprehensive strategy for improving migration data;

3. We commit to save lives and establish coordinated international efforts on missing migrants.
`

// Text is the negotiation PutText stores: revision 0 issued, amended (A1
// to A3) and decided; revision 1 made from it, issued, with amendment B1
// on it; revision 2, a draft not yet issued, with OP1 and OP2 swapped and
// the word "zanzibar" in OP3. MEX's contribution informs OP1; BRA's was
// withdrawn. The delegations' acts are simulated.
type Text struct {
	ID              string
	MEX, BRA        string // the contributions' tracking numbers
	Title, OP1, OP2 string // paragraph IDs
	OP2a, OP3       string
}

// PutText writes a negotiated text into process processID, which the
// store holds, through the store's write methods: the one place the tests
// of the text's reading write it. It opens a public window of its own,
// stage "text" coded TX, for the contributions.
func PutText(t testing.TB, st store.Store, processID string) Text {
	t.Helper()
	ctx := context.Background()
	f := Text{ID: processID}
	now := time.Now().UTC()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(st.PutWindow(ctx, process.ContributionWindow{ProcessID: processID, StageID: "text", Code: "TX", State: process.WindowOpen,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), Public: true, Purpose: process.ForContributions}))
	for _, party := range []string{"MEX", "BRA"} {
		r, err := st.Submit(ctx, process.Submission{ProcessID: processID, StageID: "text", Party: party, Role: "member-state",
			IdempotencyKey: rand.Text(), Title: "Contribution of " + party,
			Body: "Remittances matter to " + party + "; cheaper remittances save families money."}, now)
		check(err)
		if party == "MEX" {
			f.MEX = r.Tracking
		} else {
			f.BRA = r.Tracking
		}
	}
	check(st.Withdraw(ctx, f.BRA, "BRA"))

	zero, err := text.Parse(zeroDraft)
	check(err)
	text.Identify(nil, zero)
	f.Title, f.OP1, f.OP2, f.OP2a, f.OP3 = zero.Paragraphs[0].ID, zero.Paragraphs[2].ID, zero.Paragraphs[3].ID,
		zero.Paragraphs[4].ID, zero.Paragraphs[5].ID
	act := func(by, role string) store.Act { return store.Act{By: by, Role: role, At: now} }
	_, err = st.PutRevision(ctx, store.Revision{ProcessID: processID, Revision: *zero, Language: "en", IssuedAt: now,
		Sources: []text.Source{{ID: f.OP1, Change: text.Added, Contributions: []string{f.MEX}}}})
	check(err)
	for _, a := range []text.Amendment{
		{ID: "A1", Kind: text.Replace, Paragraph: f.OP1, Text: "This Compact rests on the Charter of the United Nations.",
			Sponsor: "MEX", CoSponsors: []string{"ARG"}, Cites: []string{f.MEX}},
		{ID: "A2", Kind: text.Delete, Paragraph: f.OP1, Sponsor: "USA"},
		{ID: "A3", Kind: text.EditWords, Paragraph: f.OP3, Edits: []text.Edit{{Old: "save lives", New: "save lives at sea"}}, Sponsor: "ITA"},
	} {
		_, err := st.ProposeAmendment(ctx, processID, a, act(a.Sponsor, "member-state"))
		check(err)
	}
	for _, p := range []text.Position{
		{Party: "ARG", Amendment: "A1", Stance: text.Support},
		{Party: "USA", Amendment: "A1", Stance: text.Oppose, Statement: "The Charter needs no restating."},
		{Party: "CHN", Amendment: "A2", Stance: text.Reservation},
	} {
		_, err = st.TakePositions(ctx, processID, []text.Position{p}, act(p.Party, "member-state"))
		check(err)
	}
	office := act("PGA", "pga-office")
	check(st.MarkParagraph(ctx, processID, 0, store.ParagraphMark{Paragraph: f.OP2, Status: text.AgreedAdRef, Note: "subject to capitals"}, office))
	for _, id := range []string{"A1", "A2", "A3"} {
		d := map[string]text.Decision{
			"A1": {Outcome: text.Incorporated},
			"A2": {Outcome: text.NotRetained, Note: "no support"},
			"A3": {Outcome: text.Incorporated},
		}[id]
		_, err = st.DecideAmendment(ctx, processID, id, d, office)
		check(err)
	}

	neg, err := st.Negotiation(ctx, processID, 0)
	check(err)
	c, err := neg.Compile()
	check(err)
	one, sources, err := c.Next()
	check(err)
	_, err = st.PutRevision(ctx, store.Revision{ProcessID: processID, Revision: *one, Language: "en", IssuedAt: now, Sources: sources})
	check(err)
	_, err = st.ProposeAmendment(ctx, processID, text.Amendment{ID: "B1", Revision: 1, Kind: text.InsertAfter, Paragraph: f.OP3,
		Text: "We commit to dignified return and readmission.", Sponsor: "EGY", CoSponsors: []string{"MAR"}}, act("EGY", "member-state"))
	check(err)
	_, err = st.Cosponsor(ctx, processID, "B1", "MAR", false, act("MAR", "member-state"))
	check(err)
	_, err = st.TakePositions(ctx, processID, []text.Position{{Party: "FRA", Amendment: "B1", Stance: text.Support}}, act("FRA", "member-state"))
	check(err)

	two := text.Revision{Number: 2, Paragraphs: slices.Clone(one.Paragraphs)}
	i, j := two.Index(f.OP1), two.Index(f.OP2)
	two.Paragraphs[i], two.Paragraphs[j] = two.Paragraphs[j], two.Paragraphs[i]
	two.Paragraphs[len(two.Paragraphs)-1].Text += " Unissued zanzibar wording."
	two.Renumber()
	_, err = st.PutRevision(ctx, store.Revision{ProcessID: processID, Revision: two, Language: "en"})
	check(err)
	return f
}
