package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"maps"
	"slices"
	"sync"
)

// Group commit of the text's writes, as the intake's (batch.go): while a
// transaction commits, the next writes queue, and the committer runs them
// all in one transaction, each in its savepoint, and commits once. A
// delegation's amendment or position waits for one fsync shared with the
// others, and is answered only after COMMIT.
const (
	textSavepoint         = `SAVEPOINT text_write`
	rollbackTextSavepoint = `ROLLBACK TO SAVEPOINT text_write`
	releaseTextSavepoint  = `RELEASE SAVEPOINT text_write`
)

// textBatcher queues text writes for its committer. The zero value is
// ready to use.
type textBatcher struct {
	mu      sync.Mutex
	queue   []*textWrite
	running bool
}

// textWrite is one queued write and, once done is closed, its outcome.
type textWrite struct {
	ctx       context.Context
	processID string
	write     func(ctx context.Context, tx execer) error
	err       error
	done      chan struct{}
}

// inTextTx runs write in the next batch's transaction, in a savepoint of
// its own, and returns once that transaction has committed (or failed).
// A caller whose ctx ends before its batch starts is not written; write
// gets the batch's context, which no one caller's may cancel.
func (db *DB) inTextTx(ctx context.Context, op, processID string, write func(ctx context.Context, tx execer) error) error {
	w := &textWrite{ctx: ctx, processID: processID, write: write, done: make(chan struct{})}
	b := &db.texts
	b.mu.Lock()
	b.queue = append(b.queue, w)
	start := !b.running
	b.running = true
	b.mu.Unlock()
	if start {
		go db.commitTextWrites()
	}
	select {
	case <-w.done:
		return db.fail(op, w.err)
	case <-ctx.Done():
		return db.fail(op, ctx.Err())
	}
}

// commitTextWrites commits batches until the queue is empty.
func (db *DB) commitTextWrites() {
	b := &db.texts
	for {
		b.mu.Lock()
		n := min(len(b.queue), maxBatchRows)
		if n == 0 {
			b.running, b.queue = false, nil
			b.mu.Unlock()
			return
		}
		batch := slices.Clone(b.queue[:n])
		b.queue = b.queue[n:]
		b.mu.Unlock()
		db.commitTextBatch(batch)
	}
}

// commitTextBatch runs the batch's writes in one transaction, each in its
// savepoint so that a refused one leaves the others, and answers each
// after COMMIT. On PostgreSQL a write holds its process's locks until
// COMMIT: writes in process order take them in one order across nodes.
func (db *DB) commitTextBatch(batch []*textWrite) {
	live := make([]*textWrite, 0, len(batch))
	for _, w := range batch {
		if w.err = w.ctx.Err(); w.err != nil {
			close(w.done)
			continue
		}
		live = append(live, w)
	}
	slices.SortStableFunc(live, func(x, y *textWrite) int { return cmp.Compare(x.processID, y.processID) })
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	err := db.runTextBatch(ctx, live)
	for _, w := range live {
		if err != nil {
			w.err = err
		}
		close(w.done)
	}
}

func (db *DB) runTextBatch(ctx context.Context, live []*textWrite) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &textTx{preparedTx: preparedTx{sqlTx, &db.writeStmts}, missed: map[string]bool{}}
	if err := tx.run(ctx, live); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	// Prepared outside the transaction: on SQLite's one writer connection a
	// statement prepared inside it would wait for the transaction forever.
	if len(tx.missed) > 0 {
		_ = db.writeStmts.prepare(ctx, db.write, slices.Sorted(maps.Keys(tx.missed))...)
	}
	return nil
}

// run runs each write in its savepoint.
func (tx *textTx) run(ctx context.Context, live []*textWrite) error {
	for _, w := range live {
		if _, err := tx.ExecContext(ctx, textSavepoint); err != nil {
			return err
		}
		if w.err = w.write(ctx, tx); w.err != nil {
			if _, err := tx.ExecContext(ctx, rollbackTextSavepoint); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, releaseTextSavepoint); err != nil {
			return err
		}
	}
	return nil
}

// execer is a transaction that writes.
type execer interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// textTx is a batch's transaction: a statement prepared on the writer runs
// prepared, and one that is not yet is parsed and noted, to be prepared
// once the batch has committed.
type textTx struct {
	preparedTx
	missed map[string]bool
}

func (tx *textTx) miss(query string) {
	if tx.stmts.lookup(query) == nil {
		tx.missed[query] = true
	}
}

func (tx *textTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	tx.miss(query)
	return tx.preparedTx.QueryRowContext(ctx, query, args...)
}

func (tx *textTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := tx.stmts.lookup(query); s != nil {
		return tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	tx.missed[query] = true
	return tx.Tx.QueryContext(ctx, query, args...)
}

func (tx *textTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx.miss(query)
	return tx.preparedTx.ExecContext(ctx, query, args...)
}
