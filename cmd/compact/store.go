package main

import (
	"context"
	"errors"
	"strings"

	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/postgres"
	"github.com/compact-un/compact/store/sqlite"
)

// openStore opens the record store db names: a postgres:// URL, or else a
// SQLite file path. It is the one place the implementations are wired in.
func openStore(ctx context.Context, db string) (store.Store, error) {
	switch {
	case db == "":
		return nil, errors.New("--db is required: a postgres:// URL or a SQLite file path")
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return postgres.Open(ctx, db)
	default:
		return sqlite.Open(db)
	}
}
