package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// accreditationLock serialises the writers of a process's applications and
// lists, so that a Decide cannot miss an objection being recorded.
func accreditationLock(processID string) string { return "accreditation/" + processID }

// Apply records an application at a.AppliedAt (now when zero): approved
// then when its claim of ECOSOC status matched the list exactly, in review
// when the list holds a near match, applied otherwise.
func (db *DB) Apply(ctx context.Context, a process.Application, act *store.Act) (process.Application, error) {
	const op = "store.Apply"
	if err := required(op, "process id", a.ProcessID, "party", a.Party); err != nil {
		return process.Application{}, err
	}
	a.AppliedAt = a.AppliedAt.UTC()
	if a.AppliedAt.IsZero() {
		a.AppliedAt = time.Now().UTC()
	}
	if a.For = a.For.Or(); !a.For.Valid() {
		return process.Application{}, invalid(op, "list %q: want preparatory or conference", a.For)
	}
	a.State, a.List, a.DecidedAt, a.Objections = process.Applied, "", time.Time{}, nil
	switch {
	case a.Match.Verified():
		a.State, a.DecidedAt = process.Approved, a.AppliedAt
	case a.Match != nil && a.Match.Result == process.MatchNear:
		a.State = process.Review
	}
	match, err := matchColumn(a.Match)
	if err != nil {
		return process.Application{}, db.fail(op, err)
	}
	if act != nil && act.At.IsZero() {
		return process.Application{}, invalid(op, "the act has no time")
	}
	err = db.inTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO applications (process_id, party, name, category, ecosoc, state, list_name, applied_at, decided_at, ecosoc_match, for_list)
			VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10)
			ON CONFLICT (process_id, for_list, party) DO NOTHING`,
			a.ProcessID, a.Party, a.Name, a.Category, a.ECOSOC, string(a.State), stamp(a.AppliedAt), nullStamp(a.DecidedAt), match, string(a.For))
		if err != nil {
			return err
		}
		switch n, err := res.RowsAffected(); {
		case err != nil:
			return err
		case n == 0:
			return process.Errorf(op, process.Conflict, "%s has already applied to %s's %s list", a.Party, a.ProcessID, a.For)
		}
		if act == nil || a.Match == nil {
			return nil
		}
		d := event.ECOSOCCheckData{Distance: a.Match.Distance, ListLoadedAt: a.Match.ListLoadedAt, Name: a.Name, Party: a.Party,
			Result: string(a.Match.Result), Occurrence: a.For.Subject(a.Party), Simulated: act.Simulated}
		if e := a.Match.Entry; e != nil {
			d.Entry = e.Name
		}
		return db.recordAct(ctx, tx, a.ProcessID, *act, event.ECOSOCChecked, a.For.Subject(a.Party), d)
	})
	return a, err
}

// recordAct appends an event that happens once per subject to the
// process's record in tx, at act.At in act.StageID.
func (db *DB) recordAct(ctx context.Context, tx execer, processID string, act store.Act, name event.Name, subject string, data any) error {
	b, err := event.Encode(data)
	if err != nil {
		return err
	}
	if b, err = event.Canonical(b); err != nil {
		return err
	}
	_, err = db.appendTx(ctx, tx, process.RecordEvent{ProcessID: processID, Key: string(name) + "/" + subject, StageID: act.StageID,
		Event: string(name), At: act.At, Data: string(b)}, nil)
	return err
}

const applicationColumns = `process_id, for_list, party, name, category, ecosoc, state, list_name, applied_at, decided_at, ecosoc_match`

func scanApplication(s scanner) (process.Application, error) {
	var a process.Application
	err := s.Scan(&a.ProcessID, &a.For, &a.Party, &a.Name, &a.Category, &a.ECOSOC, &a.State, &a.List,
		scanStamp{&a.AppliedAt}, scanStamp{&a.DecidedAt}, scanMatch{&a.Match})
	return a, err
}

// GetApplication returns party's application to one of a process's lists
// ("": the preparatory one).
func (db *DB) GetApplication(ctx context.Context, processID string, list process.AccreditationList, party string) (process.Application, error) {
	const op = "store.GetApplication"
	var a process.Application
	err := db.inReadTx(ctx, op, func(tx *sql.Tx) error {
		as, err := applications(ctx, tx, `process_id = $1 AND for_list = $2 AND party = $3`, processID, string(list.Or()), party)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return notFound(op, "no application of %s to %s's %s list", party, processID, list.Or())
		}
		a = as[0]
		return nil
	})
	return a, err
}

// ListApplications lists a process's applications to one list in one
// state; list "" means both lists, state "" every state.
func (db *DB) ListApplications(ctx context.Context, processID string, list process.AccreditationList, state process.ApplicationState) ([]process.Application, error) {
	const op = "store.ListApplications"
	var as []process.Application
	err := db.inReadTx(ctx, op, func(tx *sql.Tx) (err error) {
		as, err = applications(ctx, tx, `process_id = $1 AND ($2 = '' OR state = $2) AND ($3 = '' OR for_list = $3)`,
			processID, string(state), string(list))
		return err
	})
	return as, err
}

// Circulate puts the applications to list of still "applied" on a new
// batch of it named name. A batch is circulated once: circulating it again
// returns its members as they are. With none applied nothing is stored, so
// the name stays free for the batch that will have members; a memberless
// batch an older version stored is taken up the same way.
func (db *DB) Circulate(ctx context.Context, processID string, of process.AccreditationList, list string) ([]process.Application, error) {
	const op = "store.Circulate"
	if err := required(op, "process id", processID, "list", list); err != nil {
		return nil, err
	}
	var as []process.Application
	err := db.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := db.lock(ctx, tx, accreditationLock(processID)); err != nil {
			return err
		}
		var err error
		as, err = applications(ctx, tx, `process_id = $1 AND list_name = $2`, processID, list)
		if err != nil || len(as) > 0 {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE applications SET state = $3, list_name = $2 WHERE process_id = $1 AND state = $4 AND for_list = $5`,
			processID, list, string(process.Circulated), string(process.Applied), string(of.Or()))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO accreditation_lists (process_id, list_name) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			processID, list); err != nil {
			return err
		}
		as, err = applications(ctx, tx, `process_id = $1 AND list_name = $2`, processID, list)
		return err
	})
	return as, err
}

// Object records a State's objection to an application to list under
// circulation.
func (db *DB) Object(ctx context.Context, processID string, list process.AccreditationList, party string, o process.Objection) error {
	const op = "store.Object"
	if err := required(op, "process id", processID, "party", party, "objecting State", o.State); err != nil {
		return err
	}
	return db.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := db.lock(ctx, tx, accreditationLock(processID)); err != nil {
			return err
		}
		var one int
		switch err := tx.QueryRowContext(ctx, `
			SELECT 1 FROM objections WHERE process_id = $1 AND party = $2 AND objecting_state = $3 AND for_list = $4`,
			processID, party, o.State, string(list.Or())).Scan(&one); {
		case err == nil:
			return nil // a retry: a no-op even once decided
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var state process.ApplicationState
		err := tx.QueryRowContext(ctx, `SELECT state FROM applications WHERE process_id = $1 AND party = $2 AND for_list = $3`,
			processID, party, string(list.Or())).Scan(&state)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return notFound(op, "no application of %s to %s's %s list", party, processID, list.Or())
		case err != nil:
			return err
		case state != process.Circulated:
			return process.Errorf(op, process.Conflict, "%s's application to the %s list is %s, not under circulation", party, list.Or(), state)
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO objections (process_id, for_list, party, objecting_state, reason) VALUES ($1, $2, $3, $4, $5)`,
			processID, string(list.Or()), party, o.State, o.Reason)
		return err
	})
}

// Decide approves the applications on a list that no State objected to and
// rejects the rest, at at. Deciding it again returns the same outcome.
func (db *DB) Decide(ctx context.Context, processID, list string, at time.Time) ([]process.Application, error) {
	const op = "store.Decide"
	if at.IsZero() {
		return nil, invalid(op, "the decision needs a time")
	}
	var as []process.Application
	err := db.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := db.lock(ctx, tx, accreditationLock(processID)); err != nil {
			return err
		}
		var decidedAt sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT decided_at FROM accreditation_lists WHERE process_id = $1 AND list_name = $2`,
			processID, list).Scan(&decidedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op, "list %q of %s was not circulated", list, processID)
		}
		if err != nil {
			return err
		}
		if !decidedAt.Valid {
			if _, err := tx.ExecContext(ctx, `
				UPDATE applications SET decided_at = $3, state = CASE
					WHEN EXISTS (SELECT 1 FROM objections o
						WHERE o.process_id = applications.process_id AND o.for_list = applications.for_list AND o.party = applications.party) THEN $4
					ELSE $5 END
				WHERE process_id = $1 AND list_name = $2`,
				processID, list, stamp(at), string(process.Rejected), string(process.Approved)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE accreditation_lists SET decided_at = $3 WHERE process_id = $1 AND list_name = $2`,
				processID, list, stamp(at)); err != nil {
				return err
			}
		}
		as, err = applications(ctx, tx, `process_id = $1 AND list_name = $2`, processID, list)
		return err
	})
	return as, err
}

// applications returns the applications matching where, with their
// objections, ordered by when they were made.
func applications(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]process.Application, error) {
	as, err := queryAll(ctx, tx, scanApplication,
		`SELECT `+applicationColumns+` FROM applications WHERE `+where+` ORDER BY applied_at, party`, args...)
	if err != nil || len(as) == 0 {
		return as, err
	}
	type key struct{ processID, list, party string }
	objections := map[key][]process.Objection{}
	rows, err := tx.QueryContext(ctx, `
		SELECT process_id, for_list, party, objecting_state, reason FROM objections
		WHERE (process_id, for_list, party) IN (SELECT process_id, for_list, party FROM applications WHERE `+where+`)
		ORDER BY objecting_state`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var o process.Objection
		if err := rows.Scan(&k.processID, &k.list, &k.party, &o.State, &o.Reason); err != nil {
			return nil, err
		}
		objections[k] = append(objections[k], o)
	}
	for i, a := range as {
		as[i].Objections = objections[key{a.ProcessID, string(a.For), a.Party}]
	}
	return as, rows.Err()
}
