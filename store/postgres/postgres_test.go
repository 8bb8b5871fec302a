package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
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
