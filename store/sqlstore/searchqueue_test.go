package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/compact-un/compact/store"
)

// TestSearchQueueIndexedWhenQuiet checks, on SQLite, that contributions
// wait for the search index out of the intake's transaction, that a search
// finds them at once all the same, and that the queue empties by itself
// once the intake is quiet.
func TestSearchQueueIndexedWhenQuiet(t *testing.T) {
	db := openSQLite(t, filepath.Join(t.TempDir(), "compact.db"))
	defer db.Close()
	seed(t, db)
	ctx := context.Background()
	for i := range 300 { // more than a chunk
		if _, err := db.Submit(ctx, submission(fmt.Sprintf("P%03d", i), "k"), during); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.QueuedForSearch(); err != nil || n == 0 {
		t.Fatalf("queued right after the intake: %d, %v; want some", n, err)
	}
	page, err := db.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: "P299", Reader: store.Reader{Role: "member-state", Party: "P299"}})
	if err != nil || len(page.Hits) != 1 {
		t.Fatalf("search right after the intake: %+v, %v", page, err)
	}
	for i := range 300 {
		if _, err := db.Submit(ctx, submission(fmt.Sprintf("Q%03d", i), "k"), during); err != nil {
			t.Fatal(err)
		}
	}
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
}
