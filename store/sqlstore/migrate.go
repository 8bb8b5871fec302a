package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
)

type migration struct {
	version int
	name    string
	sql     string
}

// migrate applies the dialect's migrations that schema_migrations does not
// list yet, all in one transaction, so a failed migration leaves the schema
// as it was and two processes starting together migrate once.
func (db *DB) migrate(ctx context.Context) error {
	const op = "store.migrate"
	ms, err := readMigrations(db.dialect.Migrations)
	if err != nil {
		return process.E(op, process.Internal, err)
	}
	return db.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := db.lock(ctx, tx, "schema_migrations"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TEXT NOT NULL
		)`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		if n := len(ms); current > ms[n-1].version {
			return process.Errorf(op, process.Internal,
				"database schema is at version %d, newer than this program's %d", current, ms[n-1].version)
		}
		for _, m := range ms {
			if m.version <= current {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.version, m.name, stamp(time.Now())); err != nil {
				return err
			}
		}
		return nil
	})
}

// readMigrations reads NNNN_name.sql files in version order.
func readMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no migrations")
	}
	var ms []migration
	for i, name := range names { // Glob sorts by name
		prefix, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(prefix)
		if err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want the name to start with %04d_", name, i+1)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	return ms, nil
}
