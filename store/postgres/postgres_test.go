package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlstore"
	"github.com/compact-un/compact/store/storetest"
)

// server returns a pool on the server that COMPACT_TEST_POSTGRES names and
// that URL, or skips the test when it is unset; CI must not skip.
func server(t testing.TB) (*sql.DB, *url.URL) {
	raw := os.Getenv("COMPACT_TEST_POSTGRES")
	if raw == "" {
		const hint = `COMPACT_TEST_POSTGRES is not set; start a server with eval "$(scripts/pg.sh start)" or run scripts/pg.sh run go test ./store/...`
		if os.Getenv("CI") == "true" {
			t.Fatal(hint)
		}
		t.Skip(hint)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("COMPACT_TEST_POSTGRES: %v", err)
	}
	admin, err := sql.Open("pgx", raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	return admin, u
}

// freshDatabase creates a database for one test, drops it when the test
// ends, and returns its URL.
func freshDatabase(t testing.TB, admin *sql.DB, server *url.URL) string {
	name := "compact_test_" + strings.ToLower(rand.Text()[:16]) // unquoted names fold to lower case
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			t.Error(err)
		}
	})
	u := *server
	u.Path = "/" + name
	return u.String()
}

func TestStore(t *testing.T) {
	admin, server := server(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(t.Context(), freshDatabase(t, admin, server))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestOpenConcurrent checks that nodes starting together migrate once.
func TestOpenConcurrent(t *testing.T) {
	admin, server := server(t)
	url := freshDatabase(t, admin, server)
	stores := make([]*sqlstore.DB, 4)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() {
			var err error
			if stores[i], err = Open(t.Context(), url); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, s := range stores {
		if s != nil {
			s.Close()
		}
	}
}

func TestOpenFailure(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for _, tt := range []struct {
		url  string
		kind process.Kind
	}{
		{"postgres://127.0.0.1:1/compact?connect_timeout=5", process.Unavailable}, // nothing listens on port 1
		{"postgres://%zz", process.Invalid},
	} {
		if _, err := Open(ctx, tt.url); process.KindOf(err) != tt.kind {
			t.Errorf("Open(%q): got %v, want a %v error", tt.url, err, tt.kind)
		}
	}
}

// TestUpgradeGivesTokensAnExpiry: a token made before tokens expired (schema
// 8) works on after the upgrade, and expires 90 days from it.
func TestUpgradeGivesTokensAnExpiry(t *testing.T) {
	admin, server := server(t)
	dbURL := freshDatabase(t, admin, server)
	old, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(migrations, "migrations/000[1-8]_*.sql")
	if err != nil || len(names) != 8 {
		t.Fatalf("migrations 1 to 8: %v %v", names, err)
	}
	if _, err := old.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		b, err := migrations.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := old.Exec(string(b)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := old.Exec(`INSERT INTO schema_migrations VALUES ($1, $2, '2026-01-01T00:00:00Z')`, i+1, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := old.Exec(`INSERT INTO tokens (id, hash, role, party, created_at) VALUES ('tok_old', 'h', 'pga-office', 'PGA', '2026-01-01T00:00:00.000000000Z')`); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tok, err := s.TokenByHash(t.Context(), "h")
	if want := time.Now().Add(90 * 24 * time.Hour); err != nil || tok.ExpiresAt.Sub(want).Abs() > time.Minute {
		t.Fatalf("the old token after the upgrade: %+v, %v; want it to expire about %s", tok, err, want)
	}
}

// TestUpgradeKeepsApplicationsOnThePreparatoryList: applications and
// objections from before the conference's list (schema 10) are the
// preparatory list's after the upgrade.
func TestUpgradeKeepsApplicationsOnThePreparatoryList(t *testing.T) {
	admin, server := server(t)
	dbURL := freshDatabase(t, admin, server)
	old, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Migrate(t, old, migrations, "migrations", 10)
	storetest.SeedOneList(t, old)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckOneListUpgraded(t, s)
}
