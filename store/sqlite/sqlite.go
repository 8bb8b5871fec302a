// Package sqlite opens the record store in a SQLite file, for a single-node
// deployment and for tests.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"net/url"
	"runtime"
	"slices"
	"strings"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store/sqlstore"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open opens or creates the store in the SQLite file at path and migrates
// it.
//
// Writes go through one connection: SQLite allows one writer, and queueing
// writers in the pool means they never fail with SQLITE_BUSY. Reads use a
// pool of read-only connections, which WAL lets run beside the writer.
func Open(path string) (*sqlstore.DB, error) {
	const op = "store.Open"
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, process.E(op, process.Internal, err)
	}
	write, read, err := Pools(path)
	if err != nil {
		return nil, err
	}
	return sqlstore.New(context.Background(), write, read, sqlstore.Dialect{Migrations: sub, Kind: kind})
}

// Pools opens the file's write and read pools with the store's settings,
// without migrating it: Open's, and the bench's bare baseline's.
func Pools(path string) (write, read *sql.DB, err error) {
	const op = "store.Open"
	if path == "" || path == ":memory:" || strings.Contains(path, "?") {
		// Each connection would open a database of its own, or the path
		// would be read as parameters.
		return nil, nil, process.Errorf(op, process.Invalid, "sqlite store needs a file path without '?', not %q", path)
	}
	// synchronous=FULL syncs the WAL at every commit: a receipt given is a
	// contribution that survives a crash. busy_timeout covers other
	// processes opening the file, and checkpoints.
	pragmas := []string{"busy_timeout(10000)", "foreign_keys(1)", "synchronous(FULL)"}
	writeDSN := url.Values{
		"_pragma": append(slices.Clone(pragmas), "journal_mode(WAL)"),
		"_txlock": {"immediate"}, // take the write lock at BEGIN, not at the first write
	}
	readDSN := url.Values{"_pragma": append(slices.Clone(pragmas), "query_only(1)")}

	write, err = sql.Open("sqlite", path+"?"+writeDSN.Encode())
	if err != nil {
		return nil, nil, process.E(op, process.Internal, err)
	}
	write.SetMaxOpenConns(1)
	// Create the file and switch it to WAL before a reader opens it.
	if err := write.Ping(); err != nil {
		write.Close()
		return nil, nil, process.E(op, process.Unavailable, err)
	}
	read, err = sql.Open("sqlite", path+"?"+readDSN.Encode())
	if err != nil {
		write.Close()
		return nil, nil, process.E(op, process.Internal, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	// Keep them all: with database/sql's default of two idle, a burst of
	// requests closed and reopened connections all the time, each opening
	// the file, setting its pragmas and preparing its statements again.
	read.SetMaxIdleConns(n)
	return write, read, nil
}

// kind classifies SQLite's result codes.
func kind(err error) (process.Kind, bool) {
	e, ok := errors.AsType[*sqlite.Error](err)
	if !ok {
		return 0, false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return process.Conflict, true
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return process.NotFound, true
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_CONSTRAINT_DATATYPE,
		sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_MISMATCH:
		return process.Invalid, true
	}
	switch e.Code() & 0xff { // the primary result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL:
		return process.Unavailable, true
	}
	return process.Internal, true
}
