package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/compact-un/compact/process"
)

// SubmitBatch commits subs as the committer commits one batch, for tests
// that must know which submissions shared a transaction.
func (db *DB) SubmitBatch(subs []process.Submission, now time.Time) ([]process.Receipt, []error) {
	batch := make([]*pending, len(subs))
	for i, s := range subs {
		batch[i] = &pending{ctx: context.Background(), s: s, now: now, done: make(chan struct{})}
	}
	db.commitBatch(batch)
	receipts, errs := make([]process.Receipt, len(subs)), make([]error, len(subs))
	for i, p := range batch {
		<-p.done
		receipts[i], errs[i] = p.receipt, p.err
	}
	return receipts, errs
}

// SubmitAlone is Submit in a transaction of its own, the path group commit
// replaced, for the benchmark to compare.
func (db *DB) SubmitAlone(ctx context.Context, s process.Submission, now time.Time) (process.Receipt, error) {
	var r process.Receipt
	err := db.inTx(ctx, "store.Submit", func(tx *sql.Tx) (err error) {
		to, err := receiptSubscribers(ctx, tx, []process.Submission{s})
		if err != nil {
			return err
		}
		read, err := db.readBatch(ctx, tx, []process.Submission{s})
		if err != nil {
			return err
		}
		r, err = db.submit(ctx, tx, s, now, to[0], read)
		return err
	})
	return r, err
}

// Exec runs a statement on the store's writer, for tests that break it.
func (db *DB) Exec(query string) error {
	_, err := db.write.Exec(query)
	return err
}

// IndexQueued indexes the contributions waiting for search, as a search
// does first.
func (db *DB) IndexQueued() error { return db.indexQueued(context.Background()) }

// QueuedForSearch counts the contributions waiting for search.
func (db *DB) QueuedForSearch() (n int, err error) {
	err = db.read.QueryRow(`SELECT COUNT(*) FROM search_queue`).Scan(&n)
	return n, err
}

// SearchDocs counts the contributions' rows in search_docs, and the
// contributions they are for.
func (db *DB) SearchDocs() (rows, contributions int, err error) {
	err = db.read.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT tracking) FROM search_docs WHERE kind = 'contribution'`).Scan(&rows, &contributions)
	return rows, contributions, err
}

// SetPhraseWindow makes phrase searches on PostgreSQL check only the n
// latest documents before asking the index, until the test ends.
func SetPhraseWindow(t interface{ Cleanup(func()) }, n int) {
	was := phraseWindow
	phraseWindow = n
	t.Cleanup(func() { phraseWindow = was })
}
