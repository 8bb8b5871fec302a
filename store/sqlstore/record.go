package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
)

// Append chains ev after the process's last entry. It holds the process's
// record lock, so appends to one process take turns and a key appended
// concurrently is recorded once.
func (db *DB) Append(ctx context.Context, ev process.RecordEvent) (process.RecordEntry, error) {
	const op = "store.Append"
	if err := required(op, "process id", ev.ProcessID, "key", ev.Key, "event", ev.Event); err != nil {
		return process.RecordEntry{}, err
	}
	var e process.RecordEntry
	err := db.inTx(ctx, op, func(tx *sql.Tx) (err error) {
		e, err = db.appendTx(ctx, tx, ev, nil)
		return err
	})
	return e, err
}

// appendTx appends ev in tx, so that a write and its record entry commit
// together. With keyAt, ev's key is keyAt(the entry's seq): for changes
// whose retries the caller tells apart itself, each recorded anew.
func (db *DB) appendTx(ctx context.Context, tx execer, ev process.RecordEvent, keyAt func(seq int64) string) (process.RecordEntry, error) {
	// What is hashed must be what is stored: UTC, without a monotonic reading.
	ev.At = ev.At.UTC()
	if err := db.lock(ctx, tx, "record/"+ev.ProcessID); err != nil {
		return process.RecordEntry{}, err
	}
	if keyAt == nil {
		stored, err := scanEntry(tx.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM record
			WHERE process_id = $1 AND event_key = $2`, ev.ProcessID, ev.Key))
		switch {
		case err == nil:
			return stored, nil
		case !errors.Is(err, sql.ErrNoRows):
			return stored, err
		}
	}
	var prev *process.RecordEntry
	last, err := scanEntry(tx.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM record
		WHERE process_id = $1 ORDER BY seq DESC LIMIT 1`, ev.ProcessID))
	switch {
	case err == nil:
		prev = &last
	case !errors.Is(err, sql.ErrNoRows):
		return last, err
	}
	if keyAt != nil {
		ev.Key = keyAt(last.Seq + 1)
	}
	e := process.Chain(prev, ev, time.Now().UTC())
	_, err = tx.ExecContext(ctx, `
		INSERT INTO record (process_id, seq, event_key, stage_id, event, event_at, data, recorded_at, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.ProcessID, e.Seq, e.Key, e.StageID, e.Event, stamp(e.At), e.Data, stamp(e.RecordedAt), e.PrevHash, e.Hash)
	return e, err
}

const entryColumns = `process_id, seq, event_key, stage_id, event, event_at, data, recorded_at, prev_hash, hash`

func scanEntry(s scanner) (process.RecordEntry, error) {
	var e process.RecordEntry
	err := s.Scan(&e.ProcessID, &e.Seq, &e.Key, &e.StageID, &e.Event, scanStamp{&e.At}, &e.Data,
		scanStamp{&e.RecordedAt}, &e.PrevHash, &e.Hash)
	return e, err
}

// Entries returns a process's record after seq after, in order.
func (db *DB) Entries(ctx context.Context, processID string, after int64) ([]process.RecordEntry, error) {
	es, err := queryAll(ctx, db.read, scanEntry, `SELECT `+entryColumns+` FROM record
		WHERE process_id = $1 AND seq > $2 ORDER BY seq`, processID, after)
	return es, db.fail("store.Entries", err)
}

// EntriesPage returns at most limit entries after seq after, in order.
func (db *DB) EntriesPage(ctx context.Context, processID string, after int64, limit int) ([]process.RecordEntry, error) {
	const op = "store.EntriesPage"
	if limit < 1 {
		return nil, invalid(op, "limit %d: want 1 or more", limit)
	}
	es, err := queryAll(ctx, db.read, scanEntry, `SELECT `+entryColumns+` FROM record
		WHERE process_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, processID, after, limit)
	return es, db.fail(op, err)
}

func (db *DB) EntriesOf(ctx context.Context, processID string, events []string) ([]process.RecordEntry, error) {
	if len(events) == 0 {
		return nil, nil
	}
	args := []any{processID}
	marks := make([]string, len(events))
	for i, e := range events {
		args = append(args, e)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	es, err := queryAll(ctx, db.read, scanEntry, `SELECT `+entryColumns+` FROM record
		WHERE process_id = $1 AND event IN (`+strings.Join(marks, ", ")+`) ORDER BY seq`, args...)
	return es, db.fail("store.EntriesOf", err)
}

func (db *DB) LastEntries(ctx context.Context, processID string, n int) ([]process.RecordEntry, error) {
	const op = "store.LastEntries"
	if n < 1 {
		return nil, invalid(op, "n %d: want 1 or more", n)
	}
	es, err := queryAll(ctx, db.read, scanEntry, `SELECT `+entryColumns+` FROM record
		WHERE process_id = $1 ORDER BY seq DESC LIMIT $2`, processID, n)
	slices.Reverse(es)
	return es, db.fail(op, err)
}
