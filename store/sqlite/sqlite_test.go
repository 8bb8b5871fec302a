package sqlite

import (
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/storetest"
)

func openTemp(t *testing.T) store.Store {
	s, err := Open(filepath.Join(t.TempDir(), "compact.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, openTemp)
}

func TestPragmas(t *testing.T) {
	write, read, err := Pools(filepath.Join(t.TempDir(), "compact.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer write.Close()
	defer read.Close()
	for _, tt := range []struct {
		pool   string
		pragma string
		want   string
	}{
		{"write", "journal_mode", "wal"},
		{"write", "synchronous", "2"}, // FULL
		{"write", "foreign_keys", "1"},
		{"write", "busy_timeout", "10000"},
		{"write", "query_only", "0"},
		{"read", "synchronous", "2"},
		{"read", "foreign_keys", "1"},
		{"read", "query_only", "1"},
	} {
		db := write
		if tt.pool == "read" {
			db = read
		}
		var got string
		if err := db.QueryRow("PRAGMA " + tt.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s pool: %s = %s, want %s", tt.pool, tt.pragma, got, tt.want)
		}
	}
}

// TestReopen checks that an acknowledged contribution is in the file and
// that opening a migrated file migrates nothing.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "compact.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	opens := time.Date(2017, 5, 1, 0, 0, 0, 0, time.UTC)
	for _, err := range []error{
		s.PutProcess(ctx, process.Process{ID: "gcm-2018", Code: "GCM"}),
		s.PutWindow(ctx, process.ContributionWindow{ProcessID: "gcm-2018", StageID: "ts1", Code: "TS1",
			State: process.WindowOpen, OpensAt: opens, ClosesAt: opens.AddDate(0, 1, 0)}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.Submit(ctx, process.Submission{ProcessID: "gcm-2018", StageID: "ts1", Party: "MEX",
		Role: "member-state", IdempotencyKey: "k", Title: "T", Body: "B"}, opens.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.GetContribution(ctx, r.Tracking)
	if err != nil {
		t.Fatal(err)
	}
	if c.Receipt != r {
		t.Errorf("got receipt %+v, want %+v", c.Receipt, r)
	}
	// Closed before its text could be indexed (searchQuiet after the
	// commit), the contribution waited in the queue, which the search
	// indexes first.
	page, err := s.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: "T", Reader: store.Reader{Role: "member-state", Party: "MEX"}})
	if err != nil || len(page.Hits) != 1 || page.Hits[0].Tracking != r.Tracking {
		t.Errorf("search after reopening: %+v, %v", page, err)
	}
}

func TestOpenInvalid(t *testing.T) {
	for _, path := range []string{"", ":memory:", "x.db?mode=ro"} {
		if _, err := Open(path); process.KindOf(err) != process.Invalid {
			t.Errorf("Open(%q): got %v, want an invalid error", path, err)
		}
	}
}

// TestUpgradeGivesTokensAnExpiry: a token made before tokens expired (schema
// 8) works on after the upgrade, and expires 90 days from it.
func TestUpgradeGivesTokensAnExpiry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "compact.db")
	old, err := sql.Open("sqlite", path)
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

	s, err := Open(path)
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
	path := filepath.Join(t.TempDir(), "compact.db")
	old, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Migrate(t, old, migrations, "migrations", 10)
	storetest.SeedOneList(t, old)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckOneListUpgraded(t, s)
}
