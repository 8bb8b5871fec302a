package embedded

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"go.temporal.io/server/common/config"
	tlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	tsql "go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	"go.temporal.io/server/common/resolver"
)

func TestPostgresStores(t *testing.T) {
	main, vis, err := postgresStores("postgres://temporal:s3cret@db.example/temporal?sslmode=require")
	if err != nil {
		t.Fatal(err)
	}
	if main.ConnectAddr != "db.example:5432" || main.User != "temporal" || main.Password != "s3cret" ||
		main.DatabaseName != "temporal" || main.ConnectAttributes["sslmode"] != "require" {
		t.Errorf("main store %+v", main)
	}
	if vis.DatabaseName != "temporal_visibility" || vis.ConnectAddr != main.ConnectAddr {
		t.Errorf("visibility store %+v", vis)
	}
	for _, bad := range []string{"mysql://db/temporal", "postgres://db", "postgres://db/", "postgres://db/a/b", "::"} {
		if _, _, err := postgresStores(bad); err == nil {
			t.Errorf("postgresStores(%q) accepted", bad)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"1.9", "1.10", -1}, {"1.10", "1.9", 1}, {"1.19", "1.19", 0}, {"0.0", "1.0", -1}, {"1", "1.0", 0}} {
		if got := compareVersions(c.a, c.b); (got > 0) != (c.want > 0) || (got < 0) != (c.want < 0) {
			t.Errorf("compareVersions(%s, %s) = %d, want the sign of %d", c.a, c.b, got, c.want)
		}
	}
}

// TestMigrateUpgrades brings a database at version 0.0, as
// temporal-sql-tool setup-schema -v 0.0 leaves it, through every versioned
// change of both schemas, and a second run finds nothing to do.
func TestMigrateUpgrades(t *testing.T) {
	raw := os.Getenv("COMPACT_TEST_POSTGRES")
	if raw == "" {
		const hint = `COMPACT_TEST_POSTGRES is not set; run under scripts/pg.sh run`
		if os.Getenv("CI") == "true" {
			t.Fatal(hint)
		}
		t.Skip(hint)
	}
	name := "temporal_upgrade_" + strings.ToLower(rand.Text()[:12])
	admin, err := sql.Open("pgx", raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		for _, db := range []string{name, name + VisibilitySuffix} {
			if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + db + ` WITH (FORCE)`); err != nil {
				t.Error(err)
			}
		}
	})
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	main, vis, err := postgresStores(u.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		conf   *config.SQL
		schema pgSchema
	}{{main, pgMain}, {vis, pgVisibility}} {
		if err := createDatabase(context.Background(), u.String(), s.conf.DatabaseName); err != nil {
			t.Fatal(err)
		}
		db, err := tsql.NewSQLAdminDB(sqlplugin.DbKindUnknown, s.conf, resolver.NewNoopResolver(), tlog.NewNoopLogger(), metrics.NoopMetricsHandler)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.CreateSchemaVersionTables(); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateSchemaVersion(s.conf.DatabaseName, "0.0", "0.0"); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := migrate(s.conf, s.schema); err != nil {
				t.Fatalf("%s: %v", s.schema.dir, err)
			}
			if v, err := db.ReadSchemaVersion(s.conf.DatabaseName); err != nil || v != s.schema.version {
				t.Fatalf("%s: version %q (%v) after the upgrade, want %s", s.schema.dir, v, err, s.schema.version)
			}
		}
	}
}
