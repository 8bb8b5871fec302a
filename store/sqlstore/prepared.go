package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// statements keeps statements prepared on one pool by their text. SQLite's
// driver parses a statement each time it runs unless it was prepared, and
// parsing was a fifth of the intake's CPU; a prepared statement is parsed
// once per connection (database/sql prepares it again on each connection
// it meets). On PostgreSQL pgx caches its statements anyway.
type statements struct {
	mu      sync.Mutex
	byQuery map[string]*sql.Stmt
}

// prepare prepares the queries not prepared yet. Never call it inside a
// transaction on pool: on SQLite's single writer connection it would wait
// for the transaction's connection forever.
func (s *statements) prepare(ctx context.Context, pool *sql.DB, queries ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byQuery == nil {
		s.byQuery = map[string]*sql.Stmt{}
	}
	for _, q := range queries {
		if s.byQuery[q] != nil {
			continue
		}
		stmt, err := pool.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		s.byQuery[q] = stmt
	}
	return nil
}

func (s *statements) lookup(query string) *sql.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byQuery[query]
}

// queryRow runs a one-row query on pool, prepared once.
func (s *statements) queryRow(ctx context.Context, pool *sql.DB, query string, args ...any) *sql.Row {
	if err := s.prepare(ctx, pool, query); err != nil {
		return pool.QueryRowContext(ctx, query, args...)
	}
	return s.lookup(query).QueryRowContext(ctx, args...)
}

// preparedTx runs statements in tx through their prepared form where its
// pool has one, and parses the others.
type preparedTx struct {
	*sql.Tx
	stmts *statements
}

func (t preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmts.lookup(query); s != nil {
		return t.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

func (t preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmts.lookup(query); s != nil {
		return t.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.stmts.lookup(query); s != nil {
		return t.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// A batch's reads take lists of values (IN …) as long as the batch. Padded
// to the next power of two with copies of their last value, which change
// no IN's answer, they take nine lengths up to maxBatchRows, each prepared
// once (inStatements), rather than one statement a batch, parsed each time.

// inLength is the padded length of a list of n values.
func inLength(n int) int {
	l := 1
	for l < n {
		l *= 2
	}
	return l
}

// padIn pads args, a list of groups of size values each, to inLength
// groups, and says how many groups that is.
func padIn(args []any, size int) ([]any, int) {
	n := len(args) / size
	l := inLength(n)
	last := args[len(args)-size:]
	for range l - n {
		args = append(args, last...)
	}
	return args, l
}

// placeholders writes n groups of size $N placeholders: "$1, $2" for one
// value a group, "($1, $2), ($3, $4)" for two.
func placeholders(n, size int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if size > 1 {
			b.WriteByte('(')
		}
		for j := range size {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("$" + strconv.Itoa(i*size+j+1))
		}
		if size > 1 {
			b.WriteByte(')')
		}
	}
	return b.String()
}

// inStatements are each of queries at every padded length.
func inStatements(queries ...func(n int) string) []string {
	var all []string
	for l := 1; l <= maxBatchRows; l *= 2 {
		for _, q := range queries {
			all = append(all, q(l))
		}
	}
	return all
}
