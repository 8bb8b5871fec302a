package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlstore"
)

// TestSearchQueueIndexedWhenQuiet checks that contributions wait for the
// search index out of the intake's transaction, that a search finds them at
// once all the same, and that the queue empties by itself.
func TestSearchQueueIndexedWhenQuiet(t *testing.T) {
	onBothStores(t, func(t *testing.T, name string, db *sqlstore.DB) {
		ctx := context.Background()
		submitAll(t, db, "P", 300) // more than a chunk
		// PostgreSQL indexes beside the intake, and may have caught up.
		if n, err := db.QueuedForSearch(); err != nil || n == 0 && name == "sqlite" {
			t.Fatalf("queued right after the intake: %d, %v; want some", n, err)
		}
		page, err := db.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: "P299", Reader: store.Reader{Role: "member-state", Party: "P299"}})
		if err != nil || len(page.Hits) != 1 {
			t.Fatalf("search right after the intake: %+v, %v", page, err)
		}
		submitAll(t, db, "Q", 300)
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			n, err := db.QueuedForSearch()
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d contributions still queued for search 10 s after the intake", n)
			}
		}
		page, err = db.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: "Q299", Reader: store.Reader{Role: "member-state", Party: "Q299"}})
		if err != nil || len(page.Hits) != 1 {
			t.Fatalf("search after the queue emptied: %+v, %v", page, err)
		}
	})
}

// TestSearchQueueTwoNodes checks, on PostgreSQL, that two API nodes taking
// contributions and searching at once, so that both index the one queue,
// index each contribution once, and that a node's search finds what the
// other acknowledged.
func TestSearchQueueTwoNodes(t *testing.T) {
	u := freshPostgres(t)
	if u == "" {
		t.Skip("COMPACT_TEST_POSTGRES is not set")
	}
	a, b := openPostgresAt(t, u), openPostgresAt(t, u)
	defer a.Close()
	defer b.Close()
	seed(t, a)
	var g errgroup.Group
	for i, db := range []*sqlstore.DB{a, b} {
		g.Go(func() error {
			for round := range 5 {
				prefix := fmt.Sprintf("N%dR%dC", i, round)
				for n := range 100 {
					if _, err := db.Submit(t.Context(), submission(fmt.Sprintf("%s%03d", prefix, n), "k"), during); err != nil {
						return err
					}
				}
				// Each search indexes the queue first, racing the other node's.
				other := fmt.Sprintf("N%dR%dC099", 1-i, round-1)
				if _, err := db.Search(t.Context(), store.SearchQuery{ProcessID: "gcm-2018", Text: other,
					Reader: store.Reader{Role: "member-state", Party: other}}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	for _, db := range []*sqlstore.DB{a, b} {
		if err := db.IndexQueued(); err != nil {
			t.Fatal(err)
		}
	}
	docs, distinct, err := a.SearchDocs()
	if err != nil {
		t.Fatal(err)
	}
	if docs != 1000 || distinct != 1000 {
		t.Fatalf("search_docs holds %d rows for %d contributions; want each of the 1,000 once", docs, distinct)
	}
	for _, party := range []string{"N0R4C099", "N1R4C099", "N0R0C000"} {
		page, err := b.Search(t.Context(), store.SearchQuery{ProcessID: "gcm-2018", Text: party, Reader: store.Reader{Role: "member-state", Party: party}})
		if err != nil || len(page.Hits) != 1 {
			t.Fatalf("search for %s: %+v, %v", party, page, err)
		}
	}
}

func submitAll(t *testing.T, db *sqlstore.DB, prefix string, n int) {
	t.Helper()
	for i := range n {
		if _, err := db.Submit(t.Context(), submission(fmt.Sprintf("%s%03d", prefix, i), "k"), during); err != nil {
			t.Fatal(err)
		}
	}
}
