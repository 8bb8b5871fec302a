package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

const (
	memberState = "member-state"
	stakeholder = "stakeholder"
)

// The intake's statements, prepared once (prepared.go).
const (
	selectWindowForSubmit = `
		SELECT w.code, w.state, w.opens_at, w.closes_at, w.purpose, p.code
		FROM windows w JOIN processes p ON p.id = w.process_id
		WHERE w.process_id = $1 AND w.stage_id = $2`
	selectNextSeq = `
		SELECT COALESCE(MAX(seq), 0) + 1 FROM contributions WHERE process_id = $1 AND stage_id = $2`
	insertContribution = `
		INSERT INTO contributions (tracking, process_id, stage_id, seq, party, role, idempotency_key,
			title, body, attachment, attachment_type, sha256, submitted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
)

// Submit stores a contribution in a group commit with the submissions
// that arrive beside it (batch.go).
func (db *DB) Submit(ctx context.Context, s process.Submission, now time.Time) (process.Receipt, error) {
	const op = "store.Submit"
	if err := validateSubmission(op, s); err != nil {
		return process.Receipt{}, err
	}
	return db.intake.submit(ctx, db, s, now)
}

func validateSubmission(op string, s process.Submission) error {
	if err := required(op, "process id", s.ProcessID, "stage id", s.StageID, "party", s.Party,
		"idempotency key", s.IdempotencyKey); err != nil {
		return err
	}
	if s.Role != memberState && s.Role != stakeholder {
		return invalid(op, "role %q: want %s or %s", s.Role, memberState, stakeholder)
	}
	if s.Title == "" && s.Body == "" && len(s.Attachment) == 0 {
		return invalid(op, "the contribution is empty")
	}
	return nil
}

// submit is Submit's work within tx, which it leaves open, so that a group
// commit can submit many contributions in one transaction. s must be valid
// and among the submissions that read (readBatch) was made for. A refusal
// (a *process.Error) comes before anything is written; any other error may
// leave a write behind (wroteThen) or a PostgreSQL tx aborted: run each
// submission in a savepoint then, to keep the others. A new contribution's
// receipt goes to receiptTo (receiptSubscribers, read in tx).
func (db *DB) submit(ctx context.Context, tx *sql.Tx, s process.Submission, now time.Time,
	receiptTo []store.Subscription, read *batchReads) (process.Receipt, error) {
	const op = "store.Submit"
	q := preparedTx{tx, &db.writeStmts}
	key := [2]string{s.ProcessID, s.StageID}
	window, err := read.window(ctx, q, key)
	if errors.Is(err, sql.ErrNoRows) {
		return process.Receipt{}, notFound(op, "window %s/%s not found", s.ProcessID, s.StageID)
	}
	if err != nil {
		return process.Receipt{}, err
	}
	w := window.w

	sum := contentSHA256(s)
	// A retry returns the first receipt, even once the window has closed.
	attemptKey := [2]string{s.Party, s.IdempotencyKey}
	if first, ok := read.attempts[attemptKey]; ok {
		if first.processID != s.ProcessID || first.stageID != s.StageID || first.SHA256 != sum {
			return process.Receipt{}, process.Errorf(op, process.Conflict,
				"idempotency key %q was used for another submission, %s", s.IdempotencyKey, first.Tracking)
		}
		return first.Receipt, nil
	}

	if err := w.RefusesContributions(op, now); err != nil {
		return process.Receipt{}, err
	}
	if s.Role == stakeholder {
		switch state, ok := read.accreditations[[2]string{s.ProcessID, s.Party}]; {
		case !ok:
			return process.Receipt{}, process.Errorf(op, process.Rule, "%s is not accredited to %s", s.Party, s.ProcessID)
		case state != process.Approved:
			return process.Receipt{}, process.Errorf(op, process.Rule, "%s's accreditation to %s is %s, not approved", s.Party, s.ProcessID, state)
		}
	}

	seq := window.nextSeq
	if seq == 0 {
		if err := q.QueryRowContext(ctx, selectNextSeq, s.ProcessID, s.StageID).Scan(&seq); err != nil {
			return process.Receipt{}, err
		}
	}
	r := process.Receipt{
		Tracking:    fmt.Sprintf("%s-%s-%06d", window.processCode, w.Code, seq),
		SubmittedAt: now.UTC().Truncate(time.Microsecond),
		SHA256:      sum,
	}
	_, err = q.ExecContext(ctx, insertContribution,
		r.Tracking, s.ProcessID, s.StageID, seq, s.Party, s.Role, s.IdempotencyKey,
		s.Title, s.Body, nullBytes(s.Attachment), s.AttachmentType, r.SHA256, stamp(r.SubmittedAt))
	if err != nil {
		return process.Receipt{}, err
	}
	if err := queueReceipt(ctx, tx, s, r, receiptTo); err != nil {
		return process.Receipt{}, wroteThen{err}
	}
	window.nextSeq = seq + 1
	read.windows[key] = window
	read.attempts[attemptKey] = attempt{s.ProcessID, s.StageID, r}
	if len(receiptTo) == 0 {
		read.quiet = append(read.quiet, store.ReceiptKey(r.Tracking))
	}
	return r, nil
}

// wroteThen is an error that came after a submission had written: only
// rolling back to its savepoint undoes what it wrote.
type wroteThen struct{ error }

func (w wroteThen) Unwrap() error { return w.error }

// batchReads is what a batch's transaction reads once rather than once a
// submission: the earlier attempts with the batch's idempotency keys and
// the stakeholders' accreditations, read at the start, and each window
// with its next number, read at its first use. It holds the locks of all
// the batch's windows (PostgreSQL) or the database's only write lock
// (SQLite) from the start to COMMIT, so a concurrent first attempt has
// committed before, and no one else numbers a window meanwhile. Only what
// a successful submission wrote is added, so a refused one's savepoint
// leaves nothing behind here either.
type batchReads struct {
	windows        map[[2]string]windowInTx               // by process and stage
	attempts       map[[2]string]attempt                  // by party and idempotency key
	accreditations map[[2]string]process.ApplicationState // by process and party
	quiet          []string                               // receipt keys of new contributions with no receipt to queue
}

type windowInTx struct {
	w           process.ContributionWindow
	processCode string
	nextSeq     int // 0 until a submission has taken a number
}

// attempt is a stored contribution's receipt and where it went.
type attempt struct {
	processID, stageID string
	process.Receipt
}

// readBatch takes the locks of the windows of subs, which must be sorted by
// window so that two nodes' batches take them in one order, and reads the
// earlier attempts and accreditations that subs need.
func (db *DB) readBatch(ctx context.Context, tx *sql.Tx, subs []process.Submission) (*batchReads, error) {
	read := &batchReads{windows: map[[2]string]windowInTx{}, attempts: map[[2]string]attempt{},
		accreditations: map[[2]string]process.ApplicationState{}}
	var last [2]string
	var attempts, accreditations []any
	for i, s := range subs {
		if w := [2]string{s.ProcessID, s.StageID}; i == 0 || w != last {
			if err := db.lock(ctx, tx, windowLock(s.ProcessID, s.StageID)); err != nil {
				return nil, err
			}
			last = w
		}
		attempts = append(attempts, s.Party, s.IdempotencyKey)
		if s.Role == stakeholder {
			accreditations = append(accreditations, s.ProcessID, s.Party)
		}
	}
	q := preparedTx{tx, &db.writeStmts}
	err := scanPairs(ctx, q, selectAttempts, attempts, func(rows *sql.Rows) error {
		var k [2]string
		var a attempt
		err := rows.Scan(&k[0], &k[1], &a.processID, &a.stageID, &a.Tracking, scanStamp{&a.SubmittedAt}, &a.SHA256)
		read.attempts[k] = a
		return err
	})
	if err != nil {
		return nil, err
	}
	err = scanPairs(ctx, q, selectAccreditations, accreditations, func(rows *sql.Rows) error {
		var k [2]string
		var state process.ApplicationState
		err := rows.Scan(&k[0], &k[1], &state)
		read.accreditations[k] = state
		return err
	})
	return read, err
}

// A batch's reads of earlier attempts and of accreditations, for n pairs.
func selectAttempts(n int) string {
	return `SELECT party, idempotency_key, process_id, stage_id, tracking, submitted_at, sha256
		FROM contributions WHERE (party, idempotency_key) IN (VALUES ` + placeholders(n, 2) + `)`
}

func selectAccreditations(n int) string {
	return `SELECT process_id, party, state FROM applications WHERE (process_id, party) IN (VALUES ` + placeholders(n, 2) + `)`
}

// scanPairs runs query over the pairs of values in args, padded (padIn),
// and gives each row to scan.
func scanPairs(ctx context.Context, q querier, query func(n int) string, args []any, scan func(*sql.Rows) error) error {
	if len(args) == 0 {
		return nil
	}
	args, n := padIn(args, 2)
	rows, err := q.QueryContext(ctx, query(n), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// window returns the window of key, as read before or from the database.
func (read *batchReads) window(ctx context.Context, q querier, key [2]string) (windowInTx, error) {
	if w, ok := read.windows[key]; ok {
		return w, nil
	}
	var k windowInTx
	w := &k.w
	err := q.QueryRowContext(ctx, selectWindowForSubmit, key[0], key[1]).Scan(
		&w.Code, &w.State, scanStamp{&w.OpensAt}, scanStamp{&w.ClosesAt}, &w.Purpose, &k.processCode)
	return k, err
}

// contentSHA256 is the receipt's hash: hex SHA-256 over the title, a
// newline, the body and the attachment's bytes.
func contentSHA256(s process.Submission) string {
	h := sha256.New()
	h.Write([]byte(s.Title + "\n" + s.Body))
	h.Write(s.Attachment)
	return hex.EncodeToString(h.Sum(nil))
}

// nullBytes stores an empty attachment as NULL, which scans back as nil.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// contributionColumns are a contribution's columns but its attachment's
// bytes; their length comes last.
const contributionColumns = `process_id, stage_id, party, role, idempotency_key, title, body,
	attachment_type, tracking, submitted_at, sha256, withdrawn, COALESCE(LENGTH(attachment), 0)`

func scanContribution(s scanner, more ...any) (process.Contribution, error) {
	var c process.Contribution
	err := s.Scan(append([]any{&c.ProcessID, &c.StageID, &c.Party, &c.Role, &c.IdempotencyKey, &c.Title, &c.Body,
		&c.AttachmentType, &c.Tracking, scanStamp{&c.SubmittedAt}, &c.SHA256, &c.Withdrawn, &c.AttachmentSize}, more...)...)
	return c, err
}

// GetContribution returns a contribution with its attachment.
func (db *DB) GetContribution(ctx context.Context, tracking string) (process.Contribution, error) {
	const op = "store.GetContribution"
	var attachment []byte
	c, err := scanContribution(db.read.QueryRowContext(ctx,
		`SELECT `+contributionColumns+`, attachment FROM contributions WHERE tracking = $1`, tracking), &attachment)
	c.Attachment = attachment
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound(op, "contribution %s not found", tracking)
	}
	return c, db.fail(op, err)
}

// ListContributions pages through contributions in tracking order, without
// their attachments' bytes (AttachmentSize counts them).
func (db *DB) ListContributions(ctx context.Context, f store.ContributionFilter) ([]process.Contribution, error) {
	const op = "store.ListContributions"
	limit := f.Limit
	switch {
	case limit < 0:
		return nil, invalid(op, "limit %d is negative", limit)
	case limit == 0:
		limit = 100
	}
	cs, err := queryAll(ctx, db.read, func(s scanner) (process.Contribution, error) { return scanContribution(s) }, `
		SELECT `+contributionColumns+` FROM contributions
		WHERE ($1 = '' OR process_id = $1) AND ($2 = '' OR stage_id = $2) AND ($3 = '' OR party = $3)
			AND tracking > $4
		ORDER BY tracking LIMIT $5`,
		f.ProcessID, f.StageID, f.Party, f.After, limit)
	return cs, db.fail(op, err)
}

// Withdraw marks a contribution withdrawn; withdrawing it again is a no-op.
func (db *DB) Withdraw(ctx context.Context, tracking, party string) error {
	const op = "store.Withdraw"
	return db.updateOne(ctx, op, notFound(op, "contribution %s of %s not found", tracking, party),
		`UPDATE contributions SET withdrawn = TRUE WHERE tracking = $1 AND party = $2`, tracking, party)
}
