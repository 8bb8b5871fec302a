package storetest

import (
	"database/sql"
	"fmt"
	"io/fs"
	"testing"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// Migrate applies the migrations in dir of fsys up to version n to db, as
// a program of that schema would have.
func Migrate(t *testing.T, db *sql.DB, fsys fs.FS, dir string, n int) {
	t.Helper()
	names, err := fs.Glob(fsys, dir+"/00*_*.sql")
	if err != nil || len(names) < n {
		t.Fatalf("migrations 1 to %d: %v %v", n, names, err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i, name := range names[:n] {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(b)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations VALUES ($1, $2, '2026-01-01T00:00:00Z')`, i+1, name); err != nil {
			t.Fatal(err)
		}
	}
}

// SeedOneList stores, in schema 10 (one list per process), an application
// under circulation with a State's objection.
func SeedOneList(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO applications (process_id, party, name, category, ecosoc, state, list_name, applied_at, decided_at)
		 VALUES ('gcm-2018', 'org-old', 'Old Org', 'academia', false, 'circulated', 'acc-list-1', '2017-03-20T00:00:00.000000000Z', NULL)`,
		`INSERT INTO accreditation_lists (process_id, list_name) VALUES ('gcm-2018', 'acc-list-1')`,
		`INSERT INTO objections (process_id, party, objecting_state, reason) VALUES ('gcm-2018', 'org-old', 'HUN', 'old')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(fmt.Errorf("%s: %w", q, err))
		}
	}
}

// CheckOneListUpgraded: the application SeedOneList stored is on the
// preparatory list after the upgrade, with its objection, and the
// conference's list is empty.
func CheckOneListUpgraded(t *testing.T, s store.Store) {
	t.Helper()
	ctx := t.Context()
	a, err := s.GetApplication(ctx, "gcm-2018", process.PreparatoryList, "org-old")
	check(t, err)
	equal(t, a.For, process.PreparatoryList)
	equal(t, a.Objections, []process.Objection{{State: "HUN", Reason: "old"}})
	_, err = s.GetApplication(ctx, "gcm-2018", process.ConferenceList, "org-old")
	wantKind(t, err, process.NotFound)
	outcome, err := s.Decide(ctx, "gcm-2018", "acc-list-1", t0)
	check(t, err)
	equal(t, outcome[0].State, process.Rejected)
}
