package itest_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/compact-un/compact/internal/itest"
	"github.com/compact-un/compact/internal/metrics"
	"github.com/compact-un/compact/temporal/embedded"
	"github.com/compact-un/compact/workflows"
)

// TestEmbeddedPostgresRestartKeepsTimers persists Temporal on PostgreSQL:
// the first start creates both databases and their schemas, a workflow's
// timer survives a restart of the server, and the second start finds the
// schemas and the namespace in place.
func TestEmbeddedPostgresRestartKeepsTimers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal server twice")
	}
	dbURL := temporalDatabase(t, postgresServer(t))
	port := itest.FreePort(t)
	start := func() *embedded.Server {
		srv, err := embedded.Start(embedded.Options{
			Postgres: dbURL, Port: port, Namespace: "default", Logger: itest.Logger(t),
			SearchAttributes: map[string]enumspb.IndexedValueType{"CompactStage": enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	srv := start()
	c := dial(t, srv, metrics.New())
	w := startWorker(t, c)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "restart", TaskQueue: workflows.TaskQueue}, sleeper, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	awaitTimerStarted(t, c, run)
	w.Stop()
	c.Close()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	srv = start()
	defer srv.Stop()
	c = dial(t, srv, metrics.New())
	defer c.Close()
	defer startWorker(t, c).Stop()
	var got string
	if err := c.GetWorkflow(ctx, run.GetID(), run.GetRunID()).Get(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if got != "slept 3s" {
		t.Fatalf("got %q", got)
	}
	// Visibility is on PostgreSQL too: the closed run is listed.
	itest.Eventually(t, time.Minute, func(ctx context.Context) error {
		n, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
			Namespace: "default", Query: "WorkflowId = 'restart' AND ExecutionStatus = 'Completed'",
		})
		if err != nil {
			return err
		}
		if n.GetCount() != 1 {
			return errors.New("the completed run is not visible yet")
		}
		return nil
	})
}

// postgresServer is COMPACT_TEST_POSTGRES; it skips without it, except in CI.
func postgresServer(t *testing.T) string {
	t.Helper()
	raw := os.Getenv("COMPACT_TEST_POSTGRES")
	if raw == "" {
		const hint = `COMPACT_TEST_POSTGRES is not set; run under scripts/pg.sh run`
		if os.Getenv("CI") == "true" {
			t.Fatal(hint)
		}
		t.Skip(hint)
	}
	return raw
}

// temporalDatabase names a fresh database for Temporal on the server at raw
// and drops it, and its visibility database, when the test ends.
func temporalDatabase(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("COMPACT_TEST_POSTGRES: %v", err)
	}
	name := "temporal_" + strings.ToLower(rand.Text()[:16])
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", raw)
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close()
		for _, db := range []string{name, name + embedded.VisibilitySuffix} {
			if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + db + ` WITH (FORCE)`); err != nil {
				t.Error(err)
			}
		}
	})
	db := *u
	db.Path = "/" + name
	return db.String()
}
