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
	if t.ExpiresAt.IsZero() {
		return invalid(op, "a token needs an expiry")
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	_, err := db.write.ExecContext(ctx, `
		INSERT INTO tokens (id, hash, role, party, process_id, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		t.ID, t.Hash, t.Role, t.Party, t.ProcessID, t.Label, stamp(t.CreatedAt), stamp(t.ExpiresAt))
	return db.fail(op, err)
}

const tokenColumns = `id, hash, role, party, process_id, label, created_at, expires_at, revoked_at, rotated_at,
	COALESCE(previous_hash, ''), previous_until`

func scanToken(s scanner) (store.Token, error) {
	var t store.Token
	err := s.Scan(&t.ID, &t.Hash, &t.Role, &t.Party, &t.ProcessID, &t.Label, scanStamp{&t.CreatedAt}, scanStamp{&t.ExpiresAt},
		scanStamp{&t.RevokedAt}, scanStamp{&t.RotatedAt}, &t.PreviousHash, scanStamp{&t.PreviousUntil})
	return t, err
}

// TokenByHash finds a token by its current or previous secret's hash: the
// API asks on every request, so both columns are indexed.
func (db *DB) TokenByHash(ctx context.Context, hash string) (store.Token, error) {
	const op = "store.TokenByHash"
	t, err := scanToken(db.readStmts.queryRow(ctx, db.read,
		`SELECT `+tokenColumns+` FROM tokens WHERE hash = $1 UNION ALL SELECT `+tokenColumns+` FROM tokens WHERE previous_hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound(op, "no such token")
	}
	return t, db.fail(op, err)
}

// GetToken finds a token by its ID.
func (db *DB) GetToken(ctx context.Context, id string) (store.Token, error) {
	return db.getToken(ctx, db.read, "store.GetToken", id)
}

func (db *DB) getToken(ctx context.Context, q querier, op, id string) (store.Token, error) {
	t, err := scanToken(q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound(op, "no token %q", id)
	}
	return t, db.fail(op, err)
}

// ListTokens lists the tokens f selects, oldest first.
func (db *DB) ListTokens(ctx context.Context, f store.TokenFilter) ([]store.Token, error) {
	ts, err := queryAll(ctx, db.read, scanToken, `SELECT `+tokenColumns+` FROM tokens
		WHERE ($1 = '' OR role = $1) AND ($2 = '' OR party = $2) ORDER BY created_at, id`, f.Role, f.Party)
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

// RotateToken moves the current secret to previous and stores the new one,
// in one statement that also checks the token is not revoked.
func (db *DB) RotateToken(ctx context.Context, id string, r store.TokenRotation) (store.Token, error) {
	const op = "store.RotateToken"
	if err := required(op, "id", id, "hash", r.Hash); err != nil {
		return store.Token{}, err
	}
	if r.At.IsZero() || r.ExpiresAt.IsZero() {
		return store.Token{}, invalid(op, "a rotation needs its time and the token's new expiry")
	}
	keep, args := `previous_hash = NULL, previous_until = NULL`, []any{id, r.Hash, stamp(r.At), stamp(r.ExpiresAt)}
	if r.GraceUntil.After(r.At) {
		keep, args = `previous_hash = hash, previous_until = $5`, append(args, stamp(r.GraceUntil))
	}
	var t store.Token
	err := db.inTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET `+keep+`, hash = $2, rotated_at = $3, expires_at = $4
			WHERE id = $1 AND revoked_at IS NULL`, args...)
		if err != nil {
			return err
		}
		if t, err = db.getToken(ctx, tx, op, id); err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return process.Errorf(op, process.Conflict, "token %s was revoked at %s", id, t.RevokedAt.Format(time.RFC3339))
		}
		return nil
	})
	return t, db.fail(op, err)
}

// forgottenPrefix begins the hash of a token whose secrets are forgotten:
// it is unique per token, as the column must be, and no SHA-256 in hex.
const forgottenPrefix = "forgotten:"

// ForgetTokenSecrets drops a batch of secrets' hashes that stopped working
// before the given time.
func (db *DB) ForgetTokenSecrets(ctx context.Context, before time.Time, limit int) (int, error) {
	const op = "store.ForgetTokenSecrets"
	if limit <= 0 || before.IsZero() {
		return 0, invalid(op, "forgetting needs a time and a limit")
	}
	res, err := db.write.ExecContext(ctx, `UPDATE tokens SET previous_hash = NULL,
		hash = CASE WHEN revoked_at < $1 OR expires_at < $1 THEN '`+forgottenPrefix+`' || id ELSE hash END
		WHERE id IN (SELECT id FROM tokens
			WHERE (hash NOT LIKE '`+forgottenPrefix+`%' AND (revoked_at < $1 OR expires_at < $1))
			OR (previous_hash IS NOT NULL AND previous_until < $1) LIMIT $2)`, stamp(before), limit)
	return db.affected(op, res, err)
}
