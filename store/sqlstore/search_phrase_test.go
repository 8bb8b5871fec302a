package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlstore"
)

// TestPhraseSearchBeyondTheWindow: on PostgreSQL a phrase search checks the
// latest documents one by one, then asks the index for the older ones; the
// hits are those of a window holding every document, whichever side of the
// window the matches are on.
func TestPhraseSearchBeyondTheWindow(t *testing.T) {
	db := openPostgres(t)
	if db == nil {
		t.Skip("COMPACT_TEST_POSTGRES is not set")
	}
	defer db.Close()
	ctx := context.Background()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(db.PutProcess(ctx, process.Process{ID: "gcm-2018", Code: "GCM"}))
	check(db.PutWindow(ctx, process.ContributionWindow{ProcessID: "gcm-2018", StageID: "ts1", Code: "TS1", Public: true,
		Purpose: process.ForContributions, State: process.WindowOpen, OpensAt: opens, ClosesAt: opens.AddDate(0, 1, 0)}))
	// 40 contributions: every fifth says "safe and dignified return", every
	// third has the same words in another order, the first ten "return home".
	var subs []process.Submission
	for i := range 40 {
		s := submission(fmt.Sprintf("P%03d", i), "k")
		s.Title, s.Body = fmt.Sprintf("Contribution %d", i), "We recall our commitments."
		if i%5 == 0 {
			s.Body += " A safe and dignified return for all."
		}
		if i%3 == 0 {
			s.Body += " The return was dignified and safe."
		}
		if i < 10 {
			s.Body += " They return home."
		}
		subs = append(subs, s)
	}
	_, errs := db.SubmitBatch(subs, during)
	for _, err := range errs {
		check(err)
	}
	search := func(q string, limit, offset int) []string {
		page, err := db.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: q, Limit: limit, Offset: offset})
		check(err)
		var got []string
		for _, h := range page.Hits {
			got = append(got, h.Tracking)
		}
		return got
	}
	queries := []string{`"safe and dignified return"`, `"return home"`, `"dignified and safe" recall`, `"return home" OR "dignified return"`}
	type want struct {
		q             string
		limit, offset int
	}
	all := map[want][]string{}
	for _, q := range queries {
		for _, lo := range [][2]int{{20, 0}, {3, 0}, {3, 2}} {
			all[want{q, lo[0], lo[1]}] = search(q, lo[0], lo[1])
		}
	}
	if n := len(all[want{queries[0], 20, 0}]); n != 8 {
		t.Fatalf("%q: %d hits, want 8", queries[0], n)
	}
	for _, n := range []int{1, 4, 15, 39} {
		sqlstore.SetPhraseWindow(t, n)
		for w, hits := range all {
			if got := search(w.q, w.limit, w.offset); !slices.Equal(got, hits) {
				t.Errorf("window %d, %q limit %d offset %d: %v, want %v", n, w.q, w.limit, w.offset, got, hits)
			}
		}
	}
}
