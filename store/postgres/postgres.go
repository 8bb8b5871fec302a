// Package postgres opens the record store in a PostgreSQL database, for a
// deployment of several nodes.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store/sqlstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// lock takes a transaction-scoped advisory lock on a text key. Two keys
// that hash alike only wait for each other needlessly.
const lock = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`

// Open connects to the database at url (postgres://user:pass@host/db) and
// migrates it.
func Open(ctx context.Context, url string) (*sqlstore.DB, error) {
	const op = "store.Open"
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, process.E(op, process.Internal, err)
	}
	db, err := Pool(ctx, url)
	if err != nil {
		return nil, err
	}
	return sqlstore.New(ctx, db, db, sqlstore.Dialect{Migrations: sub, Lock: lock, Kind: kind})
}

// Pool connects to the database at url with the store's pool settings,
// without migrating it: Open's, and the bench's bare baseline's.
func Pool(ctx context.Context, url string) (*sql.DB, error) {
	const op = "store.Open"
	config, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, process.E(op, process.Invalid, err)
	}
	db := stdlib.OpenDB(*config)
	// The default of two idle connections would make every burst of
	// concurrent submissions reconnect.
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, process.E(op, process.Unavailable, err)
	}
	return db, nil
}

// kind classifies PostgreSQL's SQLSTATE codes and pgx's connection errors.
func kind(err error) (process.Kind, bool) {
	if e, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch class := e.Code[:min(2, len(e.Code))]; {
		case e.Code == "23505": // unique_violation
			return process.Conflict, true
		case e.Code == "23503": // foreign_key_violation
			return process.NotFound, true
		case class == "22", class == "23": // data exception, other integrity violations
			return process.Invalid, true
		case class == "08", class == "40", class == "53", class == "57":
			// connection, transaction rollback (serialisation, deadlock),
			// insufficient resources, operator intervention: try again
			return process.Unavailable, true
		}
		return process.Internal, true
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok || pgconn.Timeout(err) || pgconn.SafeToRetry(err) {
		return process.Unavailable, true
	}
	return 0, false
}
