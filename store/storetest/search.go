package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
)

// searchFixture is the negotiation's fixture with contributions on
// remittances: MEX's in the public window, KEN's in a window that is not
// public, BRA's withdrawn; and an amendment on them.
func searchFixture(t testing.TB, s store.Store) *negotiation {
	ctx := t.Context()
	n := newNegotiation(t, s)
	private := window("ts2", "TS2")
	private.Public = false
	check(t, s.PutWindow(ctx, private))
	for _, c := range []process.Submission{
		{StageID: "ts1", Party: "MEX", Title: "Remittances", Body: "Lower the cost of remittances sent by migrant workers to Mexico."},
		{StageID: "ts2", Party: "KEN", Title: "Remittances and diaspora", Body: "Diaspora remittances finance development in Kenya."},
		{StageID: "ts1", Party: "BRA", Title: "Remittances withdrawn", Body: "Remittances, as Brazil first saw them."},
	} {
		c.ProcessID, c.Role, c.IdempotencyKey = "gcm-2018", "member-state", "remittances"
		r, err := s.Submit(ctx, c, during)
		check(t, err)
		if c.Party == "BRA" {
			check(t, s.Withdraw(ctx, r.Tracking, "BRA"))
		}
	}
	_, err := s.ProposeAmendment(ctx, "gcm-2018", text.Amendment{ID: "A1", Kind: text.EditWords, Paragraph: n.op2,
		Edits: []text.Edit{{Old: "strengthen", New: "strengthen, with data on remittances,"}}, Sponsor: "PHL"}, actOf("PHL"))
	check(t, err)
	return n
}

// found is what a search finds, as "kind label" lines.
func found(t *testing.T, s store.Store, q store.SearchQuery) []string {
	t.Helper()
	q.ProcessID = "gcm-2018"
	page, err := s.Search(t.Context(), q)
	check(t, err)
	var got []string
	for _, h := range page.Hits {
		got = append(got, h.Kind+" "+h.Label)
	}
	slices.Sort(got)
	return got
}

func testSearch(t *testing.T, s store.Store) {
	ctx := t.Context()
	n := searchFixture(t, s)
	anyone := store.Reader{}
	office := store.Reader{Serves: true}
	ken := store.Reader{Role: "member-state", Party: "KEN"}
	bra := store.Reader{Role: "member-state", Party: "BRA"}

	// The draft is not issued yet: only those who serve the process find it
	// and the amendments on it.
	equal(t, found(t, s, store.SearchQuery{Text: "remittance", Reader: anyone}), []string{"contribution Remittances"})
	equal(t, found(t, s, store.SearchQuery{Text: "remittance", Reader: office}),
		[]string{"amendment PHL", "contribution Remittances"})
	equal(t, found(t, s, store.SearchQuery{Text: "remittances", Reader: ken}),
		[]string{"contribution Remittances", "contribution Remittances and diaspora"})
	equal(t, found(t, s, store.SearchQuery{Text: "remittances", Reader: bra}),
		[]string{"contribution Remittances", "contribution Remittances withdrawn"})

	issued := n.zero
	issued.IssuedAt = t0.Add(24 * time.Hour)
	_, err := s.PutRevision(ctx, issued)
	check(t, err)
	equal(t, found(t, s, store.SearchQuery{Text: `"evidence base" migration -remittances`, Reader: anyone}), []string{"paragraph 2"})
	equal(t, found(t, s, store.SearchQuery{Text: "Kenya OR Mexico", Reader: ken}),
		[]string{"contribution Remittances", "contribution Remittances and diaspora"})
	equal(t, found(t, s, store.SearchQuery{Text: "diaspora", Reader: anyone}), []string(nil))

	// The snippet marks the words found.
	page, err := s.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: "cost", Reader: anyone})
	check(t, err)
	var marked []string
	var whole strings.Builder
	for _, f := range page.Hits[0].Snippet {
		whole.WriteString(f.Text)
		if f.Match {
			marked = append(marked, f.Text)
		}
	}
	equal(t, marked, []string{"cost"})
	if !strings.Contains(whole.String(), "Lower the cost of remittances") {
		t.Errorf("snippet %q", whole.String())
	}

	// Pages.
	var all []store.SearchHit
	for offset := 0; ; offset++ {
		page, err := s.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: "migration OR remittances", Reader: office, Offset: offset, Limit: 1})
		check(t, err)
		all = append(all, page.Hits...)
		if !page.More {
			break
		}
	}
	whole1, err := s.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: "migration OR remittances", Reader: office})
	check(t, err)
	equal(t, all, whole1.Hits)
	if len(all) < 4 {
		t.Errorf("got %d hits over pages, want the title, 2, the amendment and MEX's", len(all))
	}

	for _, tt := range []struct {
		q    store.SearchQuery
		kind process.Kind
	}{
		{store.SearchQuery{Text: ""}, process.Invalid},
		{store.SearchQuery{Text: " \t\n"}, process.Invalid},
		{store.SearchQuery{Text: "-remittances"}, process.Invalid},
		{store.SearchQuery{Text: `"" *** -"x y"`}, process.Invalid},
		{store.SearchQuery{Text: "\xff"}, process.Invalid},
		{store.SearchQuery{Text: strings.Repeat("a", store.MaxQueryBytes+1)}, process.TooLarge},
		{store.SearchQuery{Text: strings.Repeat("a ", store.MaxQueryTerms+1)}, process.Invalid},
		{store.SearchQuery{Text: "a", Limit: store.MaxSearchLimit + 1}, process.Invalid},
		{store.SearchQuery{Text: "a", Offset: store.MaxSearchOffset + 1}, process.Invalid},
	} {
		tt.q.ProcessID = "gcm-2018"
		_, err := s.Search(ctx, tt.q)
		t.Run(tt.q.Text, func(t *testing.T) { wantKind(t, err, tt.kind) })
	}
	_, err = s.Search(ctx, store.SearchQuery{Text: "remittances"})
	wantKind(t, err, process.Invalid) // no process
	for _, q := range searchSeeds {
		_, err := s.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: q})
		checkSearchError(t, q, err)
	}
}

// LargeDraft is a draft of n paragraphs of about 4 kB, each holding the
// word "Charter" once.
func LargeDraft(t testing.TB, n int) *text.Revision {
	var b strings.Builder
	b.WriteString("# A long draft\n\n")
	filler := strings.Repeat("and the parties further recall their commitments ", 80)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d. Paragraph %d recalls the Charter %s\n\n", i, i, filler)
	}
	rev, err := text.Parse(b.String())
	check(t, err)
	text.Identify(nil, rev)
	return rev
}

// maxSnippetBytes bounds a hit's snippet in the tests: a few dozen words
// around the match (24 tokens in FTS5, two fragments of 30 words in
// PostgreSQL), never the paragraph.
const maxSnippetBytes = 1 << 10

// testSearchBounds: when 600 paragraphs of 4 kB each hold the word, a
// search honours its limit, pages through no more than MaxSearchOffset +
// MaxSearchLimit hits, makes snippets of a few words, and refuses a query
// one byte or one term over its bounds.
func testSearchBounds(t *testing.T, s store.Store) {
	ctx := t.Context()
	seed(t, s)
	_, err := s.PutRevision(ctx, store.Revision{ProcessID: "gcm-2018", Revision: *LargeDraft(t, 600), Language: "en", IssuedAt: during})
	check(t, err)
	search := func(text string, offset, limit int) (store.SearchPage, error) {
		return s.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: text, Reader: store.Reader{Serves: true}, Offset: offset, Limit: limit})
	}
	page, err := search("Charter", 0, 0)
	check(t, err)
	if len(page.Hits) != 20 || !page.More {
		t.Errorf("no limit: %d hits, more %t; want 20 and more", len(page.Hits), page.More)
	}
	seen := map[string]bool{}
	for offset := 0; offset <= store.MaxSearchOffset; offset += store.MaxSearchLimit {
		page, err := search("Charter", offset, store.MaxSearchLimit)
		check(t, err)
		if len(page.Hits) != store.MaxSearchLimit || !page.More {
			t.Fatalf("offset %d: %d hits, more %t; want %d and more", offset, len(page.Hits), page.More, store.MaxSearchLimit)
		}
		for _, h := range page.Hits {
			seen[h.Paragraph] = true
			size := 0
			for _, f := range h.Snippet {
				size += len(f.Text)
			}
			if size == 0 || size > maxSnippetBytes {
				t.Fatalf("a snippet of %d bytes: %+v; want 1 to %d", size, h.Snippet, maxSnippetBytes)
			}
		}
	}
	if want := store.MaxSearchOffset + store.MaxSearchLimit; len(seen) != want {
		t.Errorf("paging to the deepest offset reached %d paragraphs of 600; want %d, the bound", len(seen), want)
	}
	_, err = search("Charter", store.MaxSearchOffset+1, 1)
	wantKind(t, err, process.Invalid)
	_, err = search("Charter", 0, store.MaxSearchLimit+1)
	wantKind(t, err, process.Invalid)

	longest := "Charter " + strings.Repeat("x", store.MaxQueryBytes-len("Charter "))
	_, err = search(longest, 0, 0)
	check(t, err)
	_, err = search(longest+"x", 0, 0)
	wantKind(t, err, process.TooLarge)
	terms := strings.Repeat("Charter ", store.MaxQueryTerms)
	_, err = search(terms, 0, 0)
	check(t, err)
	_, err = search(terms+"recalls", 0, 0)
	wantKind(t, err, process.Invalid)
}

// searchSeeds are queries that would break a search that passed them on
// as they are: SQL, FTS5 and tsquery syntax.
var searchSeeds = []string{
	`'; DROP TABLE contributions; --`, `remittances" OR 1=1 --`, `NEAR(cost remittances, 2)`, `title:cost`,
	`cost*`, `^cost`, `cost AND NOT`, `(cost`, `cost & !remittances | <->`, `"unclosed phrase`, `- - -`,
	`OR cost`, `cost OR`, `cost OR OR -x`, "cost\x00remittances", "\x02cost\x03", `""""`, `{col}: x`,
	`移民 مهاجر мигрант`, `e\u0301migre\u0301`, `a-b c.d e_f`,
}

// checkSearchError fails the test unless err is nil or one of the errors
// Search documents for a bad query.
func checkSearchError(t testing.TB, q string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if k := process.KindOf(err); k != process.Invalid && k != process.TooLarge {
		t.Fatalf("Search(%q): %v error %v", q, k, err)
	}
}

// FuzzSearch searches s, with the search fixture, for whatever the fuzzer
// finds, and fails on any error but those Search documents.
func FuzzSearch(f *testing.F, s store.Store) {
	searchFixture(f, s)
	for _, q := range searchSeeds {
		f.Add(q, false)
	}
	f.Fuzz(func(t *testing.T, q string, serves bool) {
		_, err := s.Search(t.Context(), store.SearchQuery{ProcessID: "gcm-2018", Text: q, Reader: store.Reader{Serves: serves}})
		checkSearchError(t, q, err)
	})
}
