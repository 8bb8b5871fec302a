// Package sqlstore implements store.Store once, in SQL that SQLite and
// PostgreSQL both accept, for store/sqlite and store/postgres to open with
// their dialect. The two databases share $N placeholders and INSERT … ON
// CONFLICT, so a dialect only has to bring its schema and say how to
// serialise writers and what its errors mean.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// Dialect is what differs between the databases.
type Dialect struct {
	// Migrations holds the schema as NNNN_name.sql files, applied in order.
	Migrations fs.FS
	// Lock is a statement with one text parameter that holds an exclusive
	// lock on that key until the transaction ends, or "" when the database
	// serialises write transactions anyway (SQLite's one writer).
	Lock string
	// Kind classifies the database's own errors; ok is false for errors it
	// does not recognise.
	Kind func(err error) (kind process.Kind, ok bool)
}

// DB is a store.Store over a SQL database. Writes go through write and
// reads through read, which may be the same pool.
type DB struct {
	index string // the full-text index the schema built: "fts5" or "tsvector" (search.go)

	write, read *sql.DB
	dialect     Dialect
	intake      batcher     // Submit's group commit
	texts       textBatcher // the text's writes' group commit
	// Statements prepared on each pool (prepared.go).
	writeStmts, readStmts statements
	quiet                 quietReceipts
	indexer               searchIndexer // contributions' deferred search indexing (searchqueue.go)
}

var _ store.Store = (*DB)(nil)

// New migrates the database through write and returns a store over the two
// pools. It takes ownership of them: Close closes both, and so does a
// failed New.
func New(ctx context.Context, write, read *sql.DB, d Dialect) (*DB, error) {
	db := &DB{write: write, read: read, dialect: d}
	err := db.migrate(ctx)
	if err == nil {
		err = db.read.QueryRowContext(ctx, `SELECT name FROM search_engine`).Scan(&db.index)
	}
	if err != nil {
		db.Close()
		return nil, db.fail("store.New", err)
	}
	return db, nil
}

// Ping reports whether both pools reach the database.
func (db *DB) Ping(ctx context.Context) error {
	for _, p := range []*sql.DB{db.write, db.read} {
		if err := p.PingContext(ctx); err != nil {
			return process.E("store.Ping", process.Unavailable, err)
		}
	}
	return nil
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if err != nil {
		return process.E("store.Close", process.Internal, err)
	}
	return nil
}

// inTx runs fn in a write transaction and commits it when fn succeeds.
func (db *DB) inTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.fail(op, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return db.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return db.fail(op, err)
	}
	return nil
}

// inReadTx runs fn in a read-only transaction, for reads of several
// statements that must see one state.
func (db *DB) inReadTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return db.fail(op, err)
	}
	defer tx.Rollback()
	return db.fail(op, fn(tx))
}

// updateOne runs an update that must match a row, and returns missing when
// it matches none.
func (db *DB) updateOne(ctx context.Context, op string, missing error, query string, args ...any) error {
	res, err := db.write.ExecContext(ctx, query, args...)
	if err != nil {
		return db.fail(op, err)
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		return missing
	}
	return db.fail(op, err)
}

// affected is how many rows a batch write changed.
func (db *DB) affected(op string, res sql.Result, err error) (int, error) {
	if err != nil {
		return 0, db.fail(op, err)
	}
	n, err := res.RowsAffected()
	return int(n), db.fail(op, err)
}

// lock holds the dialect's lock on key until tx ends. Every writer that
// reads a row and writes depending on it takes the lock for that row first.
func (db *DB) lock(ctx context.Context, tx execer, key string) error {
	if db.dialect.Lock == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, db.dialect.Lock, key)
	return err
}

// fail returns err as a *process.Error of op, classifying errors that are
// not one yet; nil stays nil.
func (db *DB) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*process.Error](err); ok {
		return err
	}
	return process.E(op, db.kind(err), err)
}

func (db *DB) kind(err error) process.Kind {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, sql.ErrConnDone), errors.Is(err, driver.ErrBadConn):
		return process.Unavailable
	}
	if k, ok := db.dialect.Kind(err); ok {
		return k
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return process.Unavailable
	}
	return process.Internal
}

// notFound is the error for a row that is not there.
func notFound(op, format string, args ...any) error {
	return process.Errorf(op, process.NotFound, format, args...)
}

// invalid is the error for bad input.
func invalid(op, format string, args ...any) error {
	return process.Errorf(op, process.Invalid, format, args...)
}

// required returns Invalid naming the first empty field of fields, given
// as name, value pairs.
func required(op string, fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] == "" {
			return invalid(op, "%s is required", fields[i])
		}
	}
	return nil
}

// Times are stored as UTC RFC 3339 text with nine fractional digits: both
// databases return them exactly (PostgreSQL's timestamps stop at
// microseconds, and the record's hashes cover nanoseconds), and the fixed
// width sorts them as text.
const stampLayout = "2006-01-02T15:04:05.000000000Z07:00"

func stamp(t time.Time) string { return t.UTC().Format(stampLayout) }

// nullStamp is stamp for a nullable column, where the zero time is NULL.
func nullStamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return stamp(t)
}

// scanStamp scans a stored time into *t; NULL is the zero time.
type scanStamp struct{ t *time.Time }

func (s scanStamp) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
		return nil
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return fmt.Errorf("time column holds %T", src)
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return err
	}
	*s.t = t.UTC()
	return nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// querier is a pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queryAll returns every row of query scanned by scan; no rows is an empty,
// non-nil slice, so that lists encode as [] in JSON.
func queryAll[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	all := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	return all, rows.Err()
}
