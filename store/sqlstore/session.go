package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// StartSession stores a new web session.
func (db *DB) StartSession(ctx context.Context, s store.Session) error {
	const op = "store.StartSession"
	if err := required(op, "id", s.ID, "token", s.TokenID); err != nil {
		return err
	}
	if s.StartedAt.IsZero() {
		return invalid(op, "a session needs its start")
	}
	if s.SeenAt.Before(s.StartedAt) {
		s.SeenAt = s.StartedAt
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO sessions (id, token_id, started_at, seen_at) VALUES ($1, $2, $3, $4)`,
		s.ID, s.TokenID, stamp(s.StartedAt), stamp(s.SeenAt))
	return db.fail(op, err)
}

// GetSession finds a session, ended or not.
func (db *DB) GetSession(ctx context.Context, id string) (store.Session, error) {
	const op = "store.GetSession"
	var s store.Session
	err := db.readStmts.queryRow(ctx, db.read, `SELECT id, token_id, started_at, seen_at, ended_at FROM sessions WHERE id = $1`, id).
		Scan(&s.ID, &s.TokenID, scanStamp{&s.StartedAt}, scanStamp{&s.SeenAt}, scanStamp{&s.EndedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound(op, "no such session")
	}
	return s, db.fail(op, err)
}

// TouchSession moves a live session's last use forward, never back.
func (db *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	return db.updateSession(ctx, "store.TouchSession", `UPDATE sessions SET seen_at = $2 WHERE id = $1 AND ended_at IS NULL AND seen_at < $2`, id, at)
}

// EndSession ends a session once; later calls keep the first time.
func (db *DB) EndSession(ctx context.Context, id string, at time.Time) error {
	return db.updateSession(ctx, "store.EndSession", `UPDATE sessions SET ended_at = COALESCE(ended_at, $2) WHERE id = $1`, id, at)
}

// updateSession runs an update of one session, NotFound when there is no
// such session; an update that changes nothing otherwise is no error.
func (db *DB) updateSession(ctx context.Context, op, query, id string, at time.Time) error {
	res, err := db.write.ExecContext(ctx, query, id, stamp(at))
	if err != nil {
		return db.fail(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return db.fail(op, err)
	} else if n > 0 {
		return nil
	}
	if _, err := db.GetSession(ctx, id); err != nil {
		return process.E(op, process.KindOf(err), err)
	}
	return nil
}

// PurgeSessions deletes a batch of sessions that are over; a session's last
// use is never after its end, so seen_at covers signed-out sessions too.
func (db *DB) PurgeSessions(ctx context.Context, p store.SessionPurge) (int, error) {
	const op = "store.PurgeSessions"
	if p.Limit <= 0 || p.SeenBefore.IsZero() || p.StartedBefore.IsZero() {
		return 0, invalid(op, "a purge needs its two times and a limit")
	}
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE id IN (
		SELECT id FROM sessions WHERE seen_at < $1 OR started_at < $2 LIMIT $3)`,
		stamp(p.SeenBefore), stamp(p.StartedBefore), p.Limit)
	return db.affected(op, res, err)
}
