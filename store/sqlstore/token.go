package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// CreateToken stores a token by its hash.
func (db *DB) CreateToken(ctx context.Context, t store.Token) error {
	const op = "store.CreateToken"
	if err := required(op, "id", t.ID, "hash", t.Hash, "role", t.Role, "party", t.Party); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	_, err := db.write.ExecContext(ctx, `
		INSERT INTO tokens (id, hash, role, party, process_id, label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.ID, t.Hash, t.Role, t.Party, t.ProcessID, t.Label, stamp(t.CreatedAt))
	return db.fail(op, err)
}

const tokenColumns = `id, hash, role, party, process_id, label, created_at, revoked_at`

func scanToken(s scanner) (store.Token, error) {
	var t store.Token
	err := s.Scan(&t.ID, &t.Hash, &t.Role, &t.Party, &t.ProcessID, &t.Label, scanStamp{&t.CreatedAt}, scanStamp{&t.RevokedAt})
	return t, err
}

// TokenByHash finds a token by its secret's hash.
func (db *DB) TokenByHash(ctx context.Context, hash string) (store.Token, error) {
	const op = "store.TokenByHash"
	t, err := scanToken(db.readStmts.queryRow(ctx, db.read, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound(op, "no such token")
	}
	return t, db.fail(op, err)
}

// ListTokens lists every token, oldest first.
func (db *DB) ListTokens(ctx context.Context) ([]store.Token, error) {
	ts, err := queryAll(ctx, db.read, scanToken, `SELECT `+tokenColumns+` FROM tokens ORDER BY created_at, id`)
	return ts, db.fail("store.ListTokens", err)
}

// RevokeToken revokes a token once; later calls keep the first time.
func (db *DB) RevokeToken(ctx context.Context, id string, at time.Time) error {
	const op = "store.RevokeToken"
	res, err := db.write.ExecContext(ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, id, stamp(at))
	if err != nil {
		return db.fail(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return db.fail(op, err)
	} else if n == 0 {
		return process.Errorf(op, process.NotFound, "no token %q", id)
	}
	return nil
}
