package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"

	"github.com/compact-un/compact/process"
)

// windowLock is the lock key that serialises a window's writers: PutWindow,
// SealWindow and every Submit to it.
func windowLock(processID, stageID string) string {
	return "window/" + processID + "/" + stageID
}

// PutWindow creates or moves a window. Only SealWindow seals one; a
// cancelled one stays cancelled, and an open one is not scheduled again.
func (db *DB) PutWindow(ctx context.Context, w process.ContributionWindow) error {
	const op = "store.PutWindow"
	if err := required(op, "process id", w.ProcessID, "stage id", w.StageID, "code", w.Code); err != nil {
		return err
	}
	switch w.State {
	case process.WindowScheduled, process.WindowPending, process.WindowOpen, process.WindowCancelled:
	default:
		return invalid(op, "window state %q: want scheduled, pending, open or cancelled", w.State)
	}
	if w.Purpose == "" {
		w.Purpose = process.ForContributions
	}
	if w.Purpose != process.ForContributions && w.Purpose != process.ForApplications && w.Purpose != process.ForAmendments {
		return invalid(op, "window purpose %q: want contributions, applications or amendments", w.Purpose)
	}
	if !w.ClosesAt.After(w.OpensAt) {
		return invalid(op, "window closes at %s, not after it opens at %s", w.ClosesAt, w.OpensAt)
	}
	return db.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := db.lock(ctx, tx, windowLock(w.ProcessID, w.StageID)); err != nil {
			return err
		}
		if err := processExists(ctx, tx, op, w.ProcessID); err != nil {
			return err
		}
		var state process.WindowState
		err := tx.QueryRowContext(ctx, `SELECT state FROM windows WHERE process_id = $1 AND stage_id = $2`,
			w.ProcessID, w.StageID).Scan(&state)
		switch {
		case err == nil && state == process.WindowSealed:
			return process.Errorf(op, process.Conflict, "window %s/%s is sealed", w.ProcessID, w.StageID)
		case err == nil && state == process.WindowCancelled && w.State != process.WindowCancelled:
			return process.Errorf(op, process.Conflict, "window %s/%s is cancelled", w.ProcessID, w.StageID)
		case err == nil && state == process.WindowOpen && w.State == process.WindowScheduled:
			// A schedule published beside the opening (a deadline moved
			// while it opens) keeps it open.
			w.State = process.WindowOpen
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO windows (process_id, stage_id, code, state, opens_at, closes_at, is_public, purpose)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (process_id, stage_id) DO UPDATE SET
				code = excluded.code, state = excluded.state, opens_at = excluded.opens_at,
				closes_at = excluded.closes_at, is_public = excluded.is_public, purpose = excluded.purpose`,
			w.ProcessID, w.StageID, w.Code, string(w.State), stamp(w.OpensAt), stamp(w.ClosesAt), w.Public, string(w.Purpose))
		return err
	})
}

func (db *DB) GetWindow(ctx context.Context, processID, stageID string) (process.ContributionWindow, error) {
	const op = "store.GetWindow"
	w, err := scanWindow(db.read.QueryRowContext(ctx, `SELECT `+windowColumns+` FROM windows
		WHERE process_id = $1 AND stage_id = $2`, processID, stageID))
	if errors.Is(err, sql.ErrNoRows) {
		return w, notFound(op, "window %s/%s not found", processID, stageID)
	}
	return w, db.fail(op, err)
}

func (db *DB) ListWindows(ctx context.Context, processID string) ([]process.ContributionWindow, error) {
	windows, err := queryAll(ctx, db.read, scanWindow, `SELECT `+windowColumns+` FROM windows
		WHERE process_id = $1 ORDER BY stage_id`, processID)
	return windows, db.fail("store.ListWindows", err)
}

func (db *DB) AllWindows(ctx context.Context) ([]process.ContributionWindow, error) {
	windows, err := queryAll(ctx, db.read, scanWindow, `SELECT `+windowColumns+` FROM windows
		ORDER BY process_id, stage_id`)
	return windows, db.fail("store.AllWindows", err)
}

const windowColumns = `process_id, stage_id, code, state, opens_at, closes_at, is_public, purpose`

func scanWindow(s scanner) (process.ContributionWindow, error) {
	var w process.ContributionWindow
	err := s.Scan(&w.ProcessID, &w.StageID, &w.Code, &w.State, scanStamp{&w.OpensAt}, scanStamp{&w.ClosesAt}, &w.Public, &w.Purpose)
	return w, err
}

// SealWindow seals a window and stores its seal, which a second call
// returns. Holding the window's lock, it cannot miss a Submit that has
// checked the window open but not yet committed.
func (db *DB) SealWindow(ctx context.Context, processID, stageID string) (process.Seal, error) {
	const op = "store.SealWindow"
	var seal process.Seal
	err := db.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := db.lock(ctx, tx, windowLock(processID, stageID)); err != nil {
			return err
		}
		var count sql.NullInt64
		var digest sql.NullString
		var purpose, opensAt, closesAt string
		err := tx.QueryRowContext(ctx, `
			SELECT seal_count, seal_digest, purpose, opens_at, closes_at FROM windows WHERE process_id = $1 AND stage_id = $2`,
			processID, stageID).Scan(&count, &digest, &purpose, &opensAt, &closesAt)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op, "window %s/%s not found", processID, stageID)
		}
		if err != nil {
			return err
		}
		if count.Valid {
			seal = process.Seal{Count: int(count.Int64), Digest: digest.String}
			return nil
		}
		query, args := sealQuery(process.WindowPurpose(purpose), processID, stageID, opensAt, closesAt)
		if seal, err = computeSeal(ctx, tx, query, args); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE windows SET state = $3, seal_count = $4, seal_digest = $5 WHERE process_id = $1 AND stage_id = $2`,
			processID, stageID, string(process.WindowSealed), seal.Count, seal.Digest)
		return err
	})
	return seal, err
}

// sealQuery selects what a window of the purpose received, one hash a
// row in the order received: contributions by their receipts, amendments
// by their text, applications (to the whole process, filed between the
// window's times) by the applicant.
func sealQuery(purpose process.WindowPurpose, processID, stageID, opensAt, closesAt string) (string, []any) {
	switch purpose {
	case process.ForAmendments:
		return `SELECT text_sha256 FROM amendments WHERE process_id = $1 AND stage_id = $2 ORDER BY id`, []any{processID, stageID}
	case process.ForApplications:
		return `SELECT party FROM applications WHERE process_id = $1 AND applied_at >= $2 AND applied_at < $3 ORDER BY applied_at, party`,
			[]any{processID, opensAt, closesAt}
	}
	return `SELECT sha256 FROM contributions WHERE process_id = $1 AND stage_id = $2 ORDER BY seq`, []any{processID, stageID}
}

// computeSeal counts every item the window received (contributions
// withdrawn or not) and hashes their hashes, concatenated in the order
// received.
func computeSeal(ctx context.Context, tx *sql.Tx, query string, args []any) (process.Seal, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return process.Seal{}, err
	}
	defer rows.Close()
	h := sha256.New()
	var seal process.Seal
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			return seal, err
		}
		h.Write([]byte(sum))
		seal.Count++
	}
	seal.Digest = hex.EncodeToString(h.Sum(nil))
	return seal, rows.Err()
}
