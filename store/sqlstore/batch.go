package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// Group commit. At a deadline thousands of parties submit at once; one
// transaction each would make the intake wait for one fsync per
// contribution. Instead Submit queues its submission and a committer takes
// whatever has queued, submits it all in one transaction and commits once:
// while a batch commits, the next one queues. No caller waits
// for a timer, and none gets its receipt before COMMIT has returned.
const (
	maxBatchRows = 256
	// maxBatchBytes bounds the content of one batch, so that a run of large
	// attachments commits in smaller transactions.
	maxBatchBytes = 32 << 20
	// batchTimeout bounds one batch's transaction. The batch answers many
	// callers, so no one caller's context may cancel it.
	batchTimeout = 30 * time.Second
)

// A submission's savepoint in its batch.
const (
	savepoint           = `SAVEPOINT submission`
	rollbackToSavepoint = `ROLLBACK TO SAVEPOINT submission`
	releaseSavepoint    = `RELEASE SAVEPOINT submission`
)

// intakeStatements are prepared on the writer before a batch's
// transaction begins.
var intakeStatements = append([]string{savepoint, rollbackToSavepoint, releaseSavepoint,
	selectWindowForSubmit, selectNextSeq, insertContribution},
	inStatements(selectAttempts, selectAccreditations, selectReceiptSubscribers)...)

// batcher queues submissions for the committer, which runs while there is
// work and exits when the queue is empty. The zero value is ready to use.
type batcher struct {
	mu      sync.Mutex
	queue   []*pending
	running bool // a committer goroutine is draining the queue
}

// pending is one queued submission and, once done is closed, its outcome.
type pending struct {
	ctx       context.Context
	s         process.Submission
	now       time.Time
	receiptTo []store.Subscription // the submitter's subscriptions to receipts
	receipt   process.Receipt
	err       error
	done      chan struct{}
}

func (p *pending) answer(r process.Receipt, err error) {
	p.receipt, p.err = r, err
	close(p.done)
}

// submit queues s for the next batch and waits for its outcome. A caller
// whose ctx ends before its batch starts is not written; one whose ctx ends
// during the batch may be: a retry with the same key returns the receipt.
func (b *batcher) submit(ctx context.Context, db *DB, s process.Submission, now time.Time) (process.Receipt, error) {
	p := &pending{ctx: ctx, s: s, now: now, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, p)
	start := !b.running
	b.running = true
	b.mu.Unlock()
	if start {
		go b.commitAll(db)
	}
	select {
	case <-p.done:
		return p.receipt, p.err
	case <-ctx.Done():
		return process.Receipt{}, db.fail("store.Submit", ctx.Err())
	}
}

// commitAll commits batches until the queue is empty.
func (b *batcher) commitAll(db *DB) {
	for {
		batch := b.next()
		if batch == nil {
			return
		}
		db.commitBatch(batch)
	}
}

// next takes the next batch off the queue, or returns nil and marks the
// committer stopped when there is none.
func (b *batcher) next() []*pending {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, size := 0, 0
	for n < len(b.queue) && n < maxBatchRows {
		size += contentSize(b.queue[n].s)
		if n > 0 && size > maxBatchBytes {
			break
		}
		n++
	}
	if n == 0 {
		b.running = false
		b.queue = nil // let a burst's backing array go
		return nil
	}
	batch := slices.Clone(b.queue[:n])
	b.queue = b.queue[n:]
	return batch
}

func contentSize(s process.Submission) int {
	return len(s.Title) + len(s.Body) + len(s.Attachment)
}

// commitBatch submits the batch in one transaction, commits, and only then
// answers every caller. A refused submission leaves the others standing:
// submit refuses before it writes, so a batch runs without savepoints,
// saving two statements a submission, until a statement fails (which may
// abort a PostgreSQL transaction) or a submission fails after writing; then
// the batch is rolled back and run again with a savepoint for each.
func (db *DB) commitBatch(batch []*pending) {
	const op = "store.Submit"
	live := make([]*pending, 0, len(batch))
	for _, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.answer(process.Receipt{}, db.fail(op, err))
			continue
		}
		live = append(live, p)
	}
	// On PostgreSQL each submission locks its window until COMMIT: taking
	// the locks in one order keeps two nodes' batches from deadlocking. The
	// sort is stable, so a window's submissions keep their arrival order,
	// which their tracking numbers follow.
	slices.SortStableFunc(live, func(x, y *pending) int {
		return cmp.Or(strings.Compare(x.s.ProcessID, y.s.ProcessID), strings.Compare(x.s.StageID, y.s.StageID))
	})

	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	err := db.writeStmts.prepare(ctx, db.write, intakeStatements...)
	if err == nil {
		err = db.runBatch(ctx, live, false)
	}
	if errors.Is(err, errNeedSavepoints) {
		err = db.runBatch(ctx, live, true)
	}
	for _, p := range live {
		if err != nil {
			p.answer(process.Receipt{}, db.fail(op, err))
		} else {
			p.answer(p.receipt, db.fail(op, p.err))
		}
	}
}

// errNeedSavepoints is runBatch's answer when a batch run without
// savepoints must be run again with them.
var errNeedSavepoints = errors.New("a submission failed after writing, or its statement failed")

// runBatch submits live in a transaction and commits it, keeping each
// submission's outcome in its pending. Without savepoints it stops with
// errNeedSavepoints, having rolled back, at the first failure that is not
// a refusal made before writing.
func (db *DB) runBatch(ctx context.Context, live []*pending, savepoints bool) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	// Where each receipt goes, and what the batch reads once (readBatch).
	subs := make([]process.Submission, len(live))
	for i, p := range live {
		subs[i] = p.s
	}
	to, err := receiptSubscribers(ctx, preparedTx{tx, &db.writeStmts}, subs)
	var read *batchReads
	if err == nil {
		read, err = db.readBatch(ctx, tx, subs)
	}
	if err != nil {
		tx.Rollback()
		return err
	}
	for i, p := range live {
		p.receiptTo = to[i]
		if savepoints {
			err = db.submitInSavepoint(ctx, tx, p, read)
		} else {
			err = db.submitUnlessFailed(ctx, tx, p, read)
		}
		if err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	db.quiet.add(read.quiet)
	db.indexLater()
	return nil
}

// submitUnlessFailed runs one submission without a savepoint, keeping a
// refusal in p, and returns errNeedSavepoints for any other failure.
func (db *DB) submitUnlessFailed(ctx context.Context, tx *sql.Tx, p *pending, read *batchReads) error {
	p.receipt, p.err = db.submit(ctx, tx, p.s, p.now, p.receiptTo, read)
	if p.err == nil {
		return nil
	}
	p.receipt = process.Receipt{}
	if _, wrote := errors.AsType[wroteThen](p.err); wrote {
		return errNeedSavepoints
	}
	if _, refused := errors.AsType[*process.Error](p.err); !refused {
		return errNeedSavepoints
	}
	return nil
}

// submitInSavepoint runs one submission in a savepoint, keeping its outcome
// in p. It returns an error only when the transaction itself has failed.
func (db *DB) submitInSavepoint(ctx context.Context, tx *sql.Tx, p *pending, read *batchReads) error {
	q := preparedTx{tx, &db.writeStmts}
	if _, err := q.ExecContext(ctx, savepoint); err != nil {
		return err
	}
	p.receipt, p.err = db.submit(ctx, tx, p.s, p.now, p.receiptTo, read)
	if p.err != nil {
		p.receipt = process.Receipt{}
		if w, ok := errors.AsType[wroteThen](p.err); ok {
			p.err = w.error
		}
		if _, err := q.ExecContext(ctx, rollbackToSavepoint); err != nil {
			return err
		}
	}
	// ROLLBACK TO keeps the savepoint: release it either way, or they pile up.
	_, err := q.ExecContext(ctx, releaseSavepoint)
	return err
}
