package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// ecosocLock serialises the writers of the ECOSOC list.
const ecosocLock = "ecosoc-list"

// PutECOSOCList replaces the list of organisations in consultative status
// in one transaction: a reader sees the old list or the new one, whole.
func (db *DB) PutECOSOCList(ctx context.Context, l process.ECOSOCList) error {
	const op = "store.PutECOSOCList"
	if err := required(op, "loaded by", l.LoadedBy); err != nil {
		return err
	}
	if l.LoadedAt.IsZero() || len(l.Entries) == 0 {
		return invalid(op, "a list needs a load time and at least one organisation")
	}
	return db.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := db.lock(ctx, tx, ecosocLock); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ecosoc_entries`); err != nil {
			return err
		}
		insert, err := tx.PrepareContext(ctx, `INSERT INTO ecosoc_entries (position, name, name_key, status, year) VALUES ($1, $2, $3, $4, $5)`)
		if err != nil {
			return err
		}
		defer insert.Close()
		for i, e := range l.Entries {
			key := process.NormaliseOrgName(e.Name)
			if _, err := insert.ExecContext(ctx, i+1, e.Name, key, string(e.Status), e.Year); err != nil {
				if db.kind(err) == process.Conflict {
					return invalid(op, "%q appears twice on the list", e.Name)
				}
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO ecosoc_lists (id, loaded_at, loaded_by) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by`,
			stamp(l.LoadedAt), l.LoadedBy)
		return err
	})
}

// ECOSOCList returns the list loaded last, in its order; NotFound before
// any was loaded.
func (db *DB) ECOSOCList(ctx context.Context) (process.ECOSOCList, error) {
	const op = "store.ECOSOCList"
	var l process.ECOSOCList
	err := db.inReadTx(ctx, op, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT loaded_at, loaded_by FROM ecosoc_lists WHERE id = 1`).
			Scan(scanStamp{&l.LoadedAt}, &l.LoadedBy)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op, "no list of organisations in ECOSOC consultative status was loaded")
		}
		if err != nil {
			return err
		}
		l.Entries, err = queryAll(ctx, tx, func(s scanner) (process.ECOSOCEntry, error) {
			var e process.ECOSOCEntry
			err := s.Scan(&e.Name, &e.Key, &e.Status, &e.Year)
			return e, err
		}, `SELECT name, name_key, status, year FROM ecosoc_entries ORDER BY position`)
		return err
	})
	return l, err
}

// ReviewECOSOCMatch records the office's review of a near match, and puts
// it in the record: confirmed, the application is approved at act.At;
// refused, it waits to be circulated like any other. Conflict unless the
// application is in review.
func (db *DB) ReviewECOSOCMatch(ctx context.Context, processID string, list process.AccreditationList, party string, confirm bool, act store.Act) (process.Application, error) {
	const op = "store.ReviewECOSOCMatch"
	by, at := act.By, act.At
	if err := required(op, "process id", processID, "party", party, "reviewer", by); err != nil {
		return process.Application{}, err
	}
	if at.IsZero() {
		return process.Application{}, invalid(op, "the review needs a time")
	}
	var a process.Application
	err := db.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := db.lock(ctx, tx, accreditationLock(processID)); err != nil {
			return err
		}
		list = list.Or()
		as, err := applications(ctx, tx, `process_id = $1 AND party = $2 AND for_list = $3`, processID, party, string(list))
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return notFound(op, "no application of %s to %s's %s list", party, processID, list)
		}
		a = as[0]
		if a.State != process.Review || a.Match == nil {
			return process.Errorf(op, process.Conflict, "%s's application is %s: only a claim of ECOSOC status in review is confirmed or refused", party, a.State)
		}
		a.Match.ReviewedBy, a.Match.ReviewedAt = by, at.UTC()
		a.State, a.Match.Result = process.Applied, process.MatchRefused
		if confirm {
			a.State, a.Match.Result, a.DecidedAt = process.Approved, process.MatchConfirmed, at.UTC()
		}
		a.Match.Describe()
		match, err := matchColumn(a.Match)
		if err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `UPDATE applications SET state = $3, decided_at = $4, ecosoc_match = $5 WHERE process_id = $1 AND party = $2 AND for_list = $6`,
			processID, party, string(a.State), nullStamp(a.DecidedAt), match, string(list)); err != nil {
			return err
		}
		return db.recordAct(ctx, tx, processID, act, event.ECOSOCReviewed, list.Subject(party), event.ECOSOCReviewData{
			By: by, Entry: a.Match.Entry.Name, Party: party, Result: string(a.Match.Result), Occurrence: list.Subject(party)})
	})
	return a, err
}

// matchColumn is an application's match as stored: ” for none.
func matchColumn(m *process.ECOSOCMatch) (string, error) {
	if m == nil {
		return "", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// scanMatch scans the ecosoc_match column into *m.
type scanMatch struct{ m **process.ECOSOCMatch }

func (s scanMatch) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	}
	*s.m = nil
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, s.m)
}
