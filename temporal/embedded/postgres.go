package embedded

import (
	"context"
	stdsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/server/common/config"
	tlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	p "go.temporal.io/server/common/persistence"
	"go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	pgplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	"go.temporal.io/server/common/resolver"
	schemas "go.temporal.io/server/schema"
	pgschema "go.temporal.io/server/schema/postgresql/v12"
)

// VisibilitySuffix names the database of Temporal's visibility store: the
// database of the URL with this suffix.
const VisibilitySuffix = "_visibility"

// pgSchema is one of Temporal's two PostgreSQL schemas, as the server
// module ships it: schema.sql at the latest version, and versioned/ with a
// manifest.json per version to upgrade an older database.
type pgSchema struct {
	dir     string
	version string
}

var (
	pgMain       = pgSchema{dir: "postgresql/v12/temporal", version: pgschema.Version}
	pgVisibility = pgSchema{dir: "postgresql/v12/visibility", version: pgschema.VisibilityVersion}
)

// postgresStores parses a postgres:// URL into Temporal's SQL configuration
// of its main store (the URL's database) and of its visibility store (the
// same name with VisibilitySuffix). Query parameters, such as sslmode, are
// passed on to the driver.
func postgresStores(raw string) (main, visibility *config.SQL, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("embedded: PostgreSQL URL: %w", err)
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, nil, fmt.Errorf("embedded: PostgreSQL URL: scheme %q, want postgres://", u.Scheme)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || strings.Contains(name, "/") {
		return nil, nil, errors.New("embedded: PostgreSQL URL: name Temporal's database in the path, as postgres://host/temporal")
	}
	host := u.Hostname()
	if host == "" {
		host = "localhost"
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	password, _ := u.User.Password()
	attrs := map[string]string{}
	for k, v := range u.Query() {
		attrs[k] = v[len(v)-1]
	}
	main = &config.SQL{
		PluginName:        pgplugin.PluginNamePGX,
		ConnectAddr:       net.JoinHostPort(host, port),
		User:              u.User.Username(),
		Password:          password,
		DatabaseName:      name,
		ConnectAttributes: attrs,
		MaxConns:          20,
		MaxIdleConns:      20,
	}
	vis := *main
	vis.DatabaseName = name + VisibilitySuffix
	return main, &vis, nil
}

// preparePostgres creates Temporal's two databases when they are missing and
// brings their schemas to the versions this server expects.
func preparePostgres(ctx context.Context, raw string) (main, visibility *config.SQL, err error) {
	if main, visibility, err = postgresStores(raw); err != nil {
		return nil, nil, err
	}
	for _, s := range []struct {
		conf   *config.SQL
		schema pgSchema
	}{{main, pgMain}, {visibility, pgVisibility}} {
		if err := createDatabase(ctx, raw, s.conf.DatabaseName); err != nil {
			return nil, nil, err
		}
		if err := migrate(s.conf, s.schema); err != nil {
			return nil, nil, fmt.Errorf("embedded: schema of database %s: %w", s.conf.DatabaseName, err)
		}
	}
	return main, visibility, nil
}

// createDatabase creates the database unless it exists; a role without
// CREATEDB can thus use databases an administrator made.
func createDatabase(ctx context.Context, raw, name string) error {
	conf, err := pgx.ParseConfig(raw)
	if err != nil {
		return fmt.Errorf("embedded: PostgreSQL URL: %w", err)
	}
	conf.Database = name
	conn, err := pgx.ConnectConfig(ctx, conf)
	if err == nil {
		return conn.Close(ctx)
	}
	if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return fmt.Errorf("embedded: connect to database %s: %w", name, err)
	}
	conf.Database = "postgres"
	if conn, err = pgx.ConnectConfig(ctx, conf); err != nil {
		return fmt.Errorf("embedded: connect to create database %s: %w", name, err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database: another start won
		return nil
	}
	if err != nil {
		return fmt.Errorf("embedded: create database %s: %w", name, err)
	}
	return nil
}

// migrate sets up an empty database at the schema's version, in one
// transaction so that a crash leaves it empty, or applies the versioned
// changes above the database's version, as temporal-sql-tool update-schema
// would.
func migrate(conf *config.SQL, schema pgSchema) error {
	db, err := sql.NewSQLAdminDB(sqlplugin.DbKindUnknown, conf, resolver.NewNoopResolver(), tlog.NewNoopLogger(), metrics.NoopMetricsHandler)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CreateSchemaVersionTables(); err != nil {
		return err
	}
	current, err := db.ReadSchemaVersion(conf.DatabaseName)
	if err != nil && !errors.Is(err, stdsql.ErrNoRows) {
		return err
	}
	if current == "" {
		body, err := fs.ReadFile(schemas.Assets(), path.Join(schema.dir, "schema.sql"))
		if err != nil {
			return err
		}
		// Without arguments, pgx sends the statements in one simple query:
		// one implicit transaction.
		stmt := string(body) + ";\n" + setVersionSQL(conf.DatabaseName, schema.version, schema.version)
		if err := db.Exec(stmt); err != nil {
			return fmt.Errorf("set up version %s: %w", schema.version, err)
		}
		return db.WriteSchemaUpdateLog("0", schema.version, "", "initial version")
	}
	versions, err := fs.ReadDir(schemas.Assets(), path.Join(schema.dir, "versioned"))
	if err != nil {
		return err
	}
	var pending []string
	for _, v := range versions {
		name := strings.TrimPrefix(v.Name(), "v")
		if compareVersions(name, current) > 0 && compareVersions(name, schema.version) <= 0 {
			pending = append(pending, name)
		}
	}
	slices.SortFunc(pending, compareVersions)
	for _, version := range pending {
		if err := applyVersion(db, conf.DatabaseName, path.Join(schema.dir, "versioned", "v"+version), current); err != nil {
			return fmt.Errorf("upgrade from %s to %s: %w", current, version, err)
		}
		current = version
	}
	return nil
}

// applyVersion runs one versioned directory's statements one by one (some
// create indexes concurrently, which no transaction may hold) and records
// its version.
func applyVersion(db sqlplugin.AdminDB, dbName, dir, from string) error {
	raw, err := fs.ReadFile(schemas.Assets(), path.Join(dir, "manifest.json"))
	if err != nil {
		return err
	}
	var m struct {
		CurrVersion          string
		MinCompatibleVersion string
		Description          string
		SchemaUpdateCqlFiles []string
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("%s/manifest.json: %w", dir, err)
	}
	for _, file := range m.SchemaUpdateCqlFiles {
		body, err := fs.ReadFile(schemas.Assets(), path.Join(dir, file))
		if err != nil {
			return err
		}
		stmts, err := p.LoadAndSplitQueryFromReaders([]io.Reader{strings.NewReader(string(body))})
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		for _, stmt := range stmts {
			if err := db.Exec(stmt); err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
		}
	}
	if err := db.UpdateSchemaVersion(dbName, m.CurrVersion, m.MinCompatibleVersion); err != nil {
		return err
	}
	return db.WriteSchemaUpdateLog(from, m.CurrVersion, "", m.Description)
}

// setVersionSQL is the statement that records a schema version, as the
// plugin's UpdateSchemaVersion writes it, for use inside a transaction.
func setVersionSQL(dbName, version, minCompatible string) string {
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	return fmt.Sprintf(`INSERT INTO schema_version(version_partition, db_name, creation_time, curr_version, min_compatible_version)
VALUES (0, %s, now() AT TIME ZONE 'UTC', %s, %s)
ON CONFLICT (version_partition, db_name) DO UPDATE
SET creation_time = excluded.creation_time, curr_version = excluded.curr_version, min_compatible_version = excluded.min_compatible_version`,
		quote(dbName), quote(version), quote(minCompatible))
}

// compareVersions orders versions such as 1.9 and 1.10 numerically.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}
