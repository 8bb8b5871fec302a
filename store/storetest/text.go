package storetest

import (
	"fmt"
	"strconv"
	"sync"
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
`

// negotiation is the fixture of the text's tests: the GCM with two
// contributions, MEX's and BRA's, and its zero draft stored unissued, its
// first operative paragraph informed by MEX's contribution.
type negotiation struct {
	s          store.Store
	mex, bra   string // the contributions' tracking numbers
	zero       store.Revision
	title, op1 string // paragraph IDs
	op2, op2a  string
}

func newNegotiation(t testing.TB, s store.Store) *negotiation {
	t.Helper()
	seed(t, s)
	n := &negotiation{s: s}
	for _, party := range []string{"MEX", "BRA"} {
		r, err := s.Submit(t.Context(), submission(party, "k"), during)
		check(t, err)
		if party == "MEX" {
			n.mex = r.Tracking
		} else {
			n.bra = r.Tracking
		}
	}
	rev, err := text.Parse(zeroDraft)
	check(t, err)
	text.Identify(nil, rev)
	ids := make([]string, len(rev.Paragraphs))
	for i, p := range rev.Paragraphs {
		ids[i] = p.ID
	}
	n.title, n.op1, n.op2, n.op2a = ids[0], ids[2], ids[3], ids[4]
	n.zero = store.Revision{ProcessID: "gcm-2018", Revision: *rev, Language: "en",
		Sources: []text.Source{{ID: n.op1, Change: text.Added, Contributions: []string{n.mex}}}}
	stored, err := s.PutRevision(t.Context(), n.zero)
	check(t, err)
	n.zero.SHA256 = stored.SHA256
	return n
}

// actOf is an act of party's during the fixture's window.
func actOf(party string) store.Act {
	return store.Act{By: party, Role: "member-state", At: during, StageID: "zero"}
}

// cofacilitators act for the process.
var cofacilitators = store.Act{By: "co-facilitators", Role: "co-facilitator", At: during.Add(time.Hour), StageID: "zero"}

// textRecord is the process's record of its text since entry after, as
// "event key data" lines, after checking that the chain holds.
func textRecord(t *testing.T, s store.Store, after int64) []string {
	t.Helper()
	es, err := s.Entries(t.Context(), "gcm-2018", 0)
	check(t, err)
	check(t, process.VerifyChain(es))
	var lines []string
	for _, e := range es[after:] {
		lines = append(lines, e.Event+" "+e.Key+" "+e.Data)
	}
	return lines
}

// recorded is how many entries the process's record holds.
func recorded(t *testing.T, s store.Store) int64 {
	t.Helper()
	es, err := s.Entries(t.Context(), "gcm-2018", 0)
	check(t, err)
	return int64(len(es))
}

func testRevisions(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.LatestRevision(ctx, "gcm-2018")
	wantKind(t, err, process.NotFound)
	n := newNegotiation(t, s)
	got, err := s.GetRevision(ctx, "gcm-2018", 0)
	check(t, err)
	equal(t, got, n.zero)
	latest, err := s.LatestRevision(ctx, "gcm-2018")
	check(t, err)
	equal(t, latest, 0)

	// Storing it again is a no-op; with a date it issues the draft, once.
	issued := t0.Add(48 * time.Hour)
	for _, at := range []time.Time{{}, issued, issued.Add(time.Hour)} {
		r := n.zero
		r.IssuedAt = at
		got, err = s.PutRevision(ctx, r)
		check(t, err)
	}
	equal(t, got.IssuedAt, issued)
	heads, err := s.RevisionHeads(ctx, "gcm-2018")
	check(t, err)
	equal(t, heads, []store.RevisionHead{{Number: 0, IssuedAt: issued}})
	none, err := s.RevisionHeads(ctx, "no-such-process")
	check(t, err)
	equal(t, len(none), 0)

	other := n.zero
	other.Symbol = "A/CONF.231/3"
	_, err = s.PutRevision(ctx, other)
	wantKind(t, err, process.Conflict)
	skipped := n.zero
	skipped.Number = 2
	_, err = s.PutRevision(ctx, skipped)
	wantKind(t, err, process.Conflict)
	_, err = s.GetRevision(ctx, "gcm-2018", 1)
	wantKind(t, err, process.NotFound)

	for name, bad := range map[string]func(r *store.Revision){
		"language":           func(r *store.Revision) { r.Language = "de" },
		"repeated ID":        func(r *store.Revision) { r.Paragraphs[1].ID = r.Paragraphs[0].ID },
		"source not in it":   func(r *store.Revision) { r.Sources[0].ID = "r9-9" },
		"unknown change":     func(r *store.Revision) { r.Sources[0].Change = text.Kept },
		"unknown tracking":   func(r *store.Revision) { r.Sources[0].Contributions = []string{"GCM-TS1-999999"} },
		"unknown amendment":  func(r *store.Revision) { r.Sources[0].Amendments = []string{"A99"} },
		"removed, not there": func(r *store.Revision) { r.Sources[0] = text.Source{ID: "r9-9", Change: text.Removed} },
	} {
		next := n.zero
		next.Number = 1
		next.Paragraphs = append([]text.Paragraph(nil), n.zero.Paragraphs...)
		next.Sources = append([]text.Source(nil), n.zero.Sources...)
		bad(&next)
		_, err := s.PutRevision(ctx, next)
		t.Run(name, func(t *testing.T) { wantKind(t, err, process.Invalid) })
	}
	_, err = s.GetRevision(ctx, "gcm-2018", 1)
	wantKind(t, err, process.NotFound)
}

func testTextAmendments(t *testing.T, s store.Store) {
	ctx := t.Context()
	n := newNegotiation(t, s)
	a1 := text.Amendment{ID: "A1", Kind: text.Replace, Paragraph: n.op1, Text: "This Compact rests on the Charter.",
		Sponsor: "MEX", CoSponsors: []string{"ARG"}, Cites: []string{n.mex}}
	before := recorded(t, s)
	got, err := s.ProposeAmendment(ctx, "gcm-2018", a1, actOf("MEX"))
	check(t, err)
	want := store.Amendment{Amendment: a1, ProposedAt: during.UTC()}
	equal(t, got, want)
	later := actOf("MEX")
	later.At = during.Add(time.Hour)
	got, err = s.ProposeAmendment(ctx, "gcm-2018", a1, later) // a retry
	check(t, err)
	equal(t, got, want)

	changed := a1
	changed.Text = "Another text."
	_, err = s.ProposeAmendment(ctx, "gcm-2018", changed, actOf("MEX"))
	wantKind(t, err, process.Conflict)
	for _, tt := range []struct {
		a    text.Amendment
		kind process.Kind
	}{
		{text.Amendment{ID: "A2", Kind: text.Delete, Paragraph: "r9-9", Sponsor: "USA"}, process.Invalid},
		{text.Amendment{ID: "A2", Kind: text.Delete, Paragraph: n.op2, Sponsor: "USA", Cites: []string{"GCM-TS1-999999"}}, process.Invalid},
		{text.Amendment{ID: "A2", Revision: 1, Kind: text.Delete, Paragraph: n.op2, Sponsor: "USA"}, process.NotFound},
		{text.Amendment{ID: "A2", Kind: text.Delete, Paragraph: n.op2}, process.Invalid},
	} {
		_, err := s.ProposeAmendment(ctx, "gcm-2018", tt.a, actOf("USA"))
		wantKind(t, err, tt.kind)
	}
	_, err = s.ProposeAmendment(ctx, "gcm-2018", text.Amendment{ID: "A2", Kind: text.Delete, Paragraph: n.op2, Sponsor: "USA"}, store.Act{})
	wantKind(t, err, process.Invalid)

	// CHL joins, ARG withdraws; each twice.
	for range 2 {
		_, err = s.Cosponsor(ctx, "gcm-2018", "A1", "CHL", true, actOf("CHL"))
		check(t, err)
		got, err = s.Cosponsor(ctx, "gcm-2018", "A1", "ARG", false, actOf("ARG"))
		check(t, err)
	}
	equal(t, got.CoSponsors, []string{"CHL"})
	equal(t, got.Withdrawn, []string{"ARG"})
	_, err = s.Cosponsor(ctx, "gcm-2018", "A1", "MEX", true, actOf("MEX"))
	wantKind(t, err, process.Invalid)
	_, err = s.Cosponsor(ctx, "gcm-2018", "A1", "PER", false, actOf("PER"))
	wantKind(t, err, process.Invalid)
	_, err = s.Cosponsor(ctx, "gcm-2018", "A9", "PER", true, actOf("PER"))
	wantKind(t, err, process.NotFound)

	_, err = s.DecideAmendment(ctx, "gcm-2018", "A1", text.Decision{Outcome: text.Merged}, cofacilitators)
	wantKind(t, err, process.Invalid)
	_, err = s.DecideAmendment(ctx, "gcm-2018", "A1", text.Decision{Outcome: "adopted"}, cofacilitators)
	wantKind(t, err, process.Invalid)
	for _, d := range []text.Decision{{Outcome: text.NotRetained, Note: "too short"}, {Outcome: text.NotRetained, Note: "too short"},
		{Outcome: text.Incorporated}, {Outcome: text.NotRetained, Note: "too short"}} {
		got, err = s.DecideAmendment(ctx, "gcm-2018", "A1", d, cofacilitators)
		check(t, err)
	}
	equal(t, got.Decision, text.Decision{Outcome: text.NotRetained, Note: "too short"})

	// Each change is recorded once, a retry not at all; a decision changed
	// back is recorded anew.
	equal(t, textRecord(t, s, before), []string{
		`amendment.proposed amendment.proposed/A1 {"by":"MEX","role":"member-state","amendment":"A1","revision":0,"kind":"replace",` +
			`"paragraph":"` + n.op1 + `","sponsor":"MEX","coSponsors":["ARG"],"cites":["` + n.mex + `"],` +
			`"textSha256":"336e38a6f5517074bd9104704b51f4dbe6764d74861ee8e7377ec7b6929abf27"}`,
		`amendment.cosponsor-joined amendment.cosponsor-joined/A1/CHL@` + seq(before+2) + ` {"by":"CHL","role":"member-state","amendment":"A1","party":"CHL"}`,
		`amendment.cosponsor-withdrew amendment.cosponsor-withdrew/A1/ARG@` + seq(before+3) + ` {"by":"ARG","role":"member-state","amendment":"A1","party":"ARG"}`,
		`amendment.decided amendment.decided/A1@` + seq(before+4) + ` {"by":"co-facilitators","role":"co-facilitator","amendment":"A1","outcome":"not-retained","note":"too short"}`,
		`amendment.decided amendment.decided/A1@` + seq(before+5) + ` {"by":"co-facilitators","role":"co-facilitator","amendment":"A1","outcome":"incorporated"}`,
		`amendment.decided amendment.decided/A1@` + seq(before+6) + ` {"by":"co-facilitators","role":"co-facilitator","amendment":"A1","outcome":"not-retained","note":"too short"}`,
	})
	es, err := s.Entries(ctx, "gcm-2018", before)
	check(t, err)
	equal(t, es[0].At, during.UTC())
	equal(t, es[0].StageID, "zero")
}

func seq(n int64) string { return strconv.FormatInt(n, 10) }

func testPositions(t *testing.T, s store.Store) {
	ctx := t.Context()
	n := newNegotiation(t, s)
	for _, a := range []text.Amendment{
		{ID: "A1", Kind: text.Replace, Paragraph: n.op1, Text: "This Compact rests on the Charter.", Sponsor: "MEX"},
		{ID: "A2", Kind: text.Delete, Paragraph: n.op2, Sponsor: "USA"},
	} {
		_, err := s.ProposeAmendment(ctx, "gcm-2018", a, actOf(a.Sponsor))
		check(t, err)
	}
	before := recorded(t, s)
	ps := []text.Position{
		{Party: "KEN", Amendment: "A1", Stance: text.Support},
		{Party: "USA", Amendment: "A1", Stance: text.Oppose},
		{Party: "KEN", Amendment: "A1", Stance: text.Oppose, Statement: "On instructions."},
		{Party: "FRA", Amendment: "A2", Stance: text.Reservation},
	}
	taken, err := s.TakePositions(ctx, "gcm-2018", ps, actOf("KEN"))
	check(t, err)
	replaced := make([]bool, len(taken))
	for i, p := range taken {
		replaced[i] = p.Replaced
	}
	equal(t, replaced, []bool{false, false, true, false})
	// A retry says what it said the first time.
	taken, err = s.TakePositions(ctx, "gcm-2018", ps[2:3], actOf("KEN"))
	check(t, err)
	equal(t, taken, []store.PositionTaken{{Position: ps[2], Replaced: true}})
	statement := "1fe5d1831d1c2aa9186f8df65e88ccd5fc7ff39fa6114033acd8ea7039578c80"
	equal(t, textRecord(t, s, before), []string{
		`position.taken position.taken/A1/KEN@` + seq(before+1) + ` {"by":"KEN","role":"member-state","amendment":"A1","party":"KEN","stance":"support"}`,
		`position.taken position.taken/A1/USA@` + seq(before+2) + ` {"by":"KEN","role":"member-state","amendment":"A1","party":"USA","stance":"oppose"}`,
		`position.taken position.taken/A1/KEN@` + seq(before+3) + ` {"by":"KEN","role":"member-state","amendment":"A1","party":"KEN","stance":"oppose",` +
			`"statementSha256":"` + statement + `","replaces":true}`,
		`position.taken position.taken/A2/FRA@` + seq(before+4) + ` {"by":"KEN","role":"member-state","amendment":"A2","party":"FRA","stance":"reservation"}`,
	})
	before = recorded(t, s)

	// A batch with one bad position writes none of it.
	for _, tt := range []struct {
		p    text.Position
		kind process.Kind
	}{
		{text.Position{Party: "CAN", Amendment: "A9", Stance: text.Support}, process.NotFound},
		{text.Position{Party: "CAN", Amendment: "A1", Stance: "abstain"}, process.Invalid},
		{text.Position{Amendment: "A1", Stance: text.Support}, process.Invalid},
	} {
		_, err = s.TakePositions(ctx, "gcm-2018", []text.Position{{Party: "CAN", Amendment: "A2", Stance: text.Oppose}, tt.p}, actOf("CAN"))
		wantKind(t, err, tt.kind)
	}
	equal(t, recorded(t, s), before) // nor records any
	got, err := s.Negotiation(ctx, "gcm-2018", 0)
	check(t, err)
	equal(t, got.Positions, []text.Position{ps[2], ps[1], ps[3]}) // KEN's in the place of its first

	_, err = s.DecideAmendment(ctx, "gcm-2018", "A1", text.Decision{Outcome: text.Incorporated}, cofacilitators)
	check(t, err)
	_, err = s.TakePositions(ctx, "gcm-2018", []text.Position{{Party: "CAN", Amendment: "A1", Stance: text.Support}}, actOf("CAN"))
	wantKind(t, err, process.Conflict)
}

// testNextRevision takes a negotiation through its compilation to the next
// revision, then traces paragraphs and contributions through both.
func testNextRevision(t *testing.T, s store.Store) {
	ctx := t.Context()
	n := newNegotiation(t, s)
	a1 := text.Amendment{ID: "A1", Kind: text.Replace, Paragraph: n.op1, Text: "This Compact rests on the Charter.",
		Sponsor: "MEX", Cites: []string{n.mex}}
	a2 := text.Amendment{ID: "A2", Kind: text.Delete, Paragraph: n.op2, Sponsor: "USA"}
	a3 := text.Amendment{ID: "A3", Kind: text.NewParagraph, Part: text.Operative, Text: "We will review progress.",
		Sponsor: "CAN", Cites: []string{n.bra, n.mex}}
	for _, a := range []text.Amendment{a1, a2, a3} {
		_, err := s.ProposeAmendment(ctx, "gcm-2018", a, actOf(a.Sponsor))
		check(t, err)
	}
	for id, d := range map[string]text.Decision{"A1": {Outcome: text.Incorporated}, "A2": {Outcome: text.NotRetained, Note: "no support"},
		"A3": {Outcome: text.Incorporated}} {
		_, err := s.DecideAmendment(ctx, "gcm-2018", id, d, cofacilitators)
		check(t, err)
	}
	before := recorded(t, s)
	for _, m := range []store.ParagraphMark{{Paragraph: n.title, Status: text.Agreed}, {Paragraph: n.title, Status: text.Agreed},
		{Paragraph: n.op2, Status: text.AgreedAdRef, Note: "subject to capitals"}} {
		check(t, s.MarkParagraph(ctx, "gcm-2018", 0, m, cofacilitators))
	}
	wantKind(t, s.MarkParagraph(ctx, "gcm-2018", 0, store.ParagraphMark{Paragraph: "r9-9", Status: text.Agreed}, cofacilitators), process.NotFound)
	wantKind(t, s.MarkParagraph(ctx, "gcm-2018", 0, store.ParagraphMark{Paragraph: n.op2, Status: "closed"}, cofacilitators), process.Invalid)
	equal(t, textRecord(t, s, before), []string{
		`paragraph.marked paragraph.marked/0/` + n.title + `@` + seq(before+1) +
			` {"by":"co-facilitators","role":"co-facilitator","revision":0,"paragraph":"` + n.title + `","status":"agreed"}`,
		`paragraph.marked paragraph.marked/0/` + n.op2 + `@` + seq(before+2) +
			` {"by":"co-facilitators","role":"co-facilitator","revision":0,"paragraph":"` + n.op2 + `","status":"agreed-ad-ref","note":"subject to capitals"}`,
	})

	neg, err := s.Negotiation(ctx, "gcm-2018", 0)
	check(t, err)
	equal(t, neg.Marks, []store.ParagraphMark{{Paragraph: n.title, Status: text.Agreed},
		{Paragraph: n.op2, Status: text.AgreedAdRef, Note: "subject to capitals"}})
	c, err := neg.Compile()
	check(t, err)
	next, sources, err := c.Next()
	check(t, err)
	rev1 := store.Revision{ProcessID: "gcm-2018", Revision: *next, Language: "en", Sources: sources, IssuedAt: t0.Add(30 * 24 * time.Hour)}
	stored, err := s.PutRevision(ctx, rev1)
	check(t, err)
	rev1.SHA256 = stored.SHA256
	got, err := s.GetRevision(ctx, "gcm-2018", 1)
	check(t, err)
	equal(t, got, rev1)
	latest, err := s.LatestRevision(ctx, "gcm-2018")
	check(t, err)
	equal(t, latest, 1)

	// The revision before is closed.
	_, err = s.ProposeAmendment(ctx, "gcm-2018", text.Amendment{ID: "A4", Kind: text.Delete, Paragraph: n.op2, Sponsor: "USA"}, actOf("USA"))
	wantKind(t, err, process.Conflict)
	_, err = s.DecideAmendment(ctx, "gcm-2018", "A2", text.Decision{Outcome: text.Incorporated}, cofacilitators)
	wantKind(t, err, process.Conflict)
	wantKind(t, s.MarkParagraph(ctx, "gcm-2018", 0, store.ParagraphMark{Paragraph: n.op2, Status: text.Agreed}, cofacilitators), process.Conflict)

	op1 := n.zero.Paragraphs[2]
	history, err := s.ParagraphHistory(ctx, "gcm-2018", n.op1)
	check(t, err)
	edited := op1
	edited.Text = a1.Text
	equal(t, history, []store.ParagraphVersion{
		{Revision: 0, Paragraph: op1, Change: text.Added, Contributions: []string{n.mex}},
		{Revision: 1, Paragraph: edited, Change: text.Edited, Amendments: []string{"A1"}, Contributions: []string{n.mex}},
	})
	_, err = s.ParagraphHistory(ctx, "gcm-2018", "r9-9")
	wantKind(t, err, process.NotFound)

	added := next.Paragraphs[len(next.Paragraphs)-1]
	informed, err := s.Informed(ctx, n.mex)
	check(t, err)
	equal(t, informed, append(history, store.ParagraphVersion{Revision: 1, Paragraph: added, Change: text.Added,
		Amendments: []string{"A3"}, Contributions: []string{n.mex, n.bra}})) // sorted
	informed, err = s.Informed(ctx, n.bra)
	check(t, err)
	equal(t, len(informed), 1)
	_, err = s.Informed(ctx, "GCM-TS1-999999")
	wantKind(t, err, process.NotFound)
}

// testTextConcurrent: delegations write at once, each write with its record
// entry; a refused write among them records nothing and fails alone.
func testTextConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	n := newNegotiation(t, s)
	before := recorded(t, s)
	states := process.MemberStates()
	const writers = 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			party := states[w].Code
			id := fmt.Sprint("A", w)
			a := text.Amendment{ID: id, Kind: text.Replace, Paragraph: n.op1, Text: "Text " + id, Sponsor: party}
			if _, err := s.ProposeAmendment(ctx, "gcm-2018", a, actOf(party)); err != nil {
				t.Error(err)
				return
			}
			if _, err := s.TakePositions(ctx, "gcm-2018", []text.Position{{Party: party, Amendment: id, Stance: text.Support}}, actOf(party)); err != nil {
				t.Error(err)
			}
			_, err := s.TakePositions(ctx, "gcm-2018", []text.Position{{Party: party, Amendment: "A-none", Stance: text.Support}}, actOf(party))
			if process.KindOf(err) != process.NotFound {
				t.Errorf("a position on no amendment: %v", err)
			}
		})
	}
	wg.Wait()
	lines := textRecord(t, s, before)
	equal(t, len(lines), 2*writers)
	neg, err := s.Negotiation(ctx, "gcm-2018", 0)
	check(t, err)
	equal(t, len(neg.Amendments), writers)
	equal(t, len(neg.Positions), writers)
}
