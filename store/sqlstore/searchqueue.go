package sqlstore

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// Deferred search indexing, on SQLite. Indexing a contribution's text in
// FTS5 costs SQLite's only writer more CPU than all the rest of the
// contribution's insert, and in the intake's transaction it made most of
// the group commit's serial time. So the insert only queues the
// contribution's tracking number in search_queue (a trigger, in the same
// transaction), and the queue is indexed later, a chunk a transaction:
// once no contribution has arrived for searchQuiet, and before every
// search, so that a search finds every contribution acknowledged before it
// began. PostgreSQL indexes in the insert's transaction, as before: its
// server does the work, not this process.
const (
	searchQuiet = 100 * time.Millisecond
	// searchChunk bounds one indexing transaction, and so how long a
	// submission arriving meanwhile waits for the writer.
	searchChunk = 128
)

// indexContributions copies the queued contributions up to id $1 into
// search_docs, in the order they were inserted (search_docs' trigger
// indexes them in search_fts), as migration 0007's trigger did.
const indexContributions = `
	INSERT INTO search_docs (process_id, kind, tracking, label, title, body)
	SELECT c.process_id, 'contribution', c.tracking, c.title,
		replace(replace(c.title, char(2), ' '), char(3), ' '), replace(replace(c.body, char(2), ' '), char(3), ' ')
	FROM search_queue q JOIN contributions c ON c.tracking = q.tracking
	WHERE q.id <= $1 ORDER BY q.id`

// searchIndexer runs at most one background indexer at a time.
type searchIndexer struct {
	lastSubmit atomic.Int64 // UnixNano of the last batch's COMMIT
	queued     atomic.Bool  // a batch has committed since the indexer last looked
	running    atomic.Bool
}

// deferred reports whether contributions wait in search_queue.
func (db *DB) deferred() bool { return db.index == "fts5" }

// indexLater starts the background indexer unless it runs; the intake
// calls it after each batch's COMMIT.
func (db *DB) indexLater() {
	if !db.deferred() {
		return
	}
	ix := &db.indexer
	ix.lastSubmit.Store(time.Now().UnixNano())
	ix.queued.Store(true)
	if ix.running.CompareAndSwap(false, true) {
		go db.indexWhenQuiet()
	}
}

// indexWhenQuiet indexes the queue a chunk at a time, each once the intake
// has been quiet for searchQuiet, until it is empty. A failure leaves the
// queue to the next search or batch.
func (db *DB) indexWhenQuiet() {
	ix := &db.indexer
	for {
		for ix.queued.Swap(false) {
			for {
				wait := searchQuiet - time.Since(time.Unix(0, ix.lastSubmit.Load()))
				if wait <= 0 {
					break
				}
				time.Sleep(wait)
			}
			n, err := db.indexChunk(context.Background())
			if err != nil {
				break
			}
			if n == searchChunk {
				ix.queued.Store(true)
			}
		}
		ix.running.Store(false)
		// A batch that committed after the last Swap but saw running set
		// did not start an indexer.
		if !ix.queued.Load() || !ix.running.CompareAndSwap(false, true) {
			return
		}
	}
}

// indexQueued indexes everything queued, a chunk a transaction: a search
// calls it first.
func (db *DB) indexQueued(ctx context.Context) error {
	if !db.deferred() {
		return nil
	}
	var queued bool
	if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_queue)`).Scan(&queued); err != nil || !queued {
		return err
	}
	for {
		n, err := db.indexChunk(ctx)
		if err != nil || n < searchChunk {
			return err
		}
	}
}

// indexChunk indexes the searchChunk oldest queued contributions in one
// transaction and says how many there were.
func (db *DB) indexChunk(ctx context.Context) (n int64, err error) {
	err = db.inTx(ctx, "store.indexQueued", func(tx *sql.Tx) error {
		var upto sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM (SELECT id FROM search_queue ORDER BY id LIMIT $1)`, searchChunk).Scan(&upto)
		if err != nil || !upto.Valid {
			return err
		}
		if _, err := tx.ExecContext(ctx, indexContributions, upto.Int64); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM search_queue WHERE id <= $1`, upto.Int64)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return n, err
}
