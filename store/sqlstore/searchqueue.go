package sqlstore

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// Deferred search indexing. Indexing a contribution's text (FTS5's
// tokenising on SQLite; guessing its language and building its tsvector on
// PostgreSQL) cost more than all the rest of the contribution's insert, and
// in the intake's transaction it made most of the group commit's serial
// time. So the insert only queues the contribution's tracking number in
// search_queue (a trigger, in the same transaction), and the queue is
// indexed later, a chunk a transaction, and before every search, so that a
// search finds every contribution acknowledged before it began. On SQLite
// the indexer would hold the only write lock the intake waits for, so it
// runs once no contribution has arrived for searchQuiet; PostgreSQL takes
// writers side by side, so there it runs beside the intake, and a search
// after a rush finds little left to index.
const (
	searchQuiet = 100 * time.Millisecond
	// searchChunk bounds one indexing transaction, and so how long a
	// submission arriving meanwhile waits for the writer.
	searchChunk = 128
)

// indexContributions copies the queued contributions up to id $1 into
// search_docs, in the order they were inserted (search_docs' trigger
// indexes them in search_fts), as SQLite's migration 0007 trigger did.
const indexContributions = `
	INSERT INTO search_docs (process_id, kind, tracking, label, title, body)
	SELECT c.process_id, 'contribution', c.tracking, c.title,
		replace(replace(c.title, char(2), ' '), char(3), ' '), replace(replace(c.body, char(2), ' '), char(3), ' ')
	FROM search_queue q JOIN contributions c ON c.tracking = q.tracking
	WHERE q.id <= $1 ORDER BY q.id`

// indexContributionsPostgres takes the $1 oldest queued contributions off
// the queue and copies them into search_docs (whose trigger cleans the text
// and builds the tsvector), as PostgreSQL's migration 0007 trigger did, in
// one statement: under READ COMMITTED each statement sees its own snapshot,
// and another node's intake may commit an older queue id meanwhile. Rows
// another node's indexer holds are waited for, then skipped as deleted.
const indexContributionsPostgres = `
	WITH queued AS (
		DELETE FROM search_queue WHERE id IN (SELECT id FROM search_queue ORDER BY id LIMIT $1 FOR UPDATE)
		RETURNING id, tracking)
	INSERT INTO search_docs (process_id, kind, tracking, label, config, title, body, tsv)
	SELECT c.process_id, 'contribution', c.tracking, c.title, search_config(guess_language(c.title || ' ' || c.body)),
		c.title, c.body, ''
	FROM queued q JOIN contributions c ON c.tracking = q.tracking
	ORDER BY q.id`

// searchIndexer runs at most one background indexer at a time.
type searchIndexer struct {
	lastSubmit atomic.Int64 // UnixNano of the last batch's COMMIT
	queued     atomic.Bool  // a batch has committed since the indexer last looked
	running    atomic.Bool
}

// indexLater starts the background indexer unless it runs; the intake
// calls it after each batch's COMMIT.
func (db *DB) indexLater() {
	ix := &db.indexer
	ix.lastSubmit.Store(time.Now().UnixNano())
	ix.queued.Store(true)
	if ix.running.CompareAndSwap(false, true) {
		go db.indexWhenQuiet()
	}
}

// indexWhenQuiet indexes the queue a chunk at a time, each once the intake
// has been quiet for searchQuiet on SQLite, until it is empty. A failure
// leaves the queue to the next search or batch.
func (db *DB) indexWhenQuiet() {
	ix := &db.indexer
	quiet := searchQuiet
	if db.index == "tsvector" {
		quiet = 0
	}
	for {
		for ix.queued.Swap(false) {
			for {
				wait := quiet - time.Since(time.Unix(0, ix.lastSubmit.Load()))
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
	var queued bool
	if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_queue)`).Scan(&queued); err != nil || !queued {
		return err
	}
	for {
		// On PostgreSQL another node's indexer may have taken part of a
		// chunk: only an empty one says the queue is done.
		n, err := db.indexChunk(ctx)
		if err != nil || n == 0 || n < searchChunk && db.index == "fts5" {
			return err
		}
	}
}

// indexChunk indexes the searchChunk oldest queued contributions in one
// transaction and says how many there were.
func (db *DB) indexChunk(ctx context.Context) (n int64, err error) {
	err = db.inTx(ctx, "store.indexQueued", func(tx *sql.Tx) error {
		if db.index == "tsvector" {
			res, err := tx.ExecContext(ctx, indexContributionsPostgres, searchChunk)
			if err == nil {
				n, err = res.RowsAffected()
			}
			return err
		}
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
