package itest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/itest"
	"github.com/compact-un/compact/internal/logging"
	"github.com/compact-un/compact/internal/metrics"
	"github.com/compact-un/compact/temporal/embedded"
	"github.com/compact-un/compact/worker"
	"github.com/compact-un/compact/workflows"
)

// sleeper sleeps on a durable timer, which outlives the worker and the
// server, then says how long it slept.
func sleeper(ctx workflow.Context, d time.Duration) (string, error) {
	if err := workflow.Sleep(ctx, d); err != nil {
		return "", err
	}
	return fmt.Sprintf("slept %s", d), nil
}

const workerIdentity = "itest-worker"

func startEmbedded(t *testing.T, dir string, port int) *embedded.Server {
	t.Helper()
	srv, err := embedded.Start(embedded.Options{DataDir: dir, Port: port, Namespace: "default", Logger: itest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func dial(t *testing.T, srv *embedded.Server, reg *metrics.Registry) client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, client.Options{
		HostPort:       srv.Address(),
		Namespace:      "default",
		Identity:       workerIdentity,
		Logger:         logging.Temporal(itest.Logger(t)),
		MetricsHandler: reg.Temporal(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startWorker starts Compact's workers, with sleeper registered.
func startWorker(t *testing.T, c client.Client) worker.Workers {
	t.Helper()
	w := worker.New(c, activities.New(nil))
	w.Critical.RegisterWorkflow(sleeper)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestEmbeddedTimerWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal server")
	}
	srv := startEmbedded(t, t.TempDir(), 0)
	defer srv.Stop()
	reg := metrics.New()
	c := dial(t, srv, reg)
	defer c.Close()
	w := startWorker(t, c)
	defer w.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "timer", TaskQueue: workflows.TaskQueue}, sleeper, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := run.Get(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); got != "slept 2s" || took < 2*time.Second {
		t.Fatalf("got %q after %s", got, took)
	}

	// The probes against the real server: this worker polls, another does not.
	probed := api.New(api.Options{
		Temporal: c,
		Metrics:  reg,
		Checks:   []api.Check{api.WorkerCheck(c, workerIdentity)},
	})
	serve := func(h http.Handler, path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String()
	}
	probe := func(path string) (int, string) { return serve(probed.Handler(), path) }
	if code, body := probe("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz = %d %s", code, body)
	}
	if err := api.WorkerCheck(c, "nobody").Run(ctx); err == nil {
		t.Fatal("WorkerCheck passed for an identity that never polled")
	}
	_, body := serve(probed.AdminHandler(), "/metrics")
	// The SDK's metrics, the worker's among them, under the names
	// docs/operations.md tells operators to watch.
	for _, want := range []string{"# TYPE temporal_request counter", "temporal_request{", "temporal_workflow_completed{",
		"# TYPE temporal_workflow_endtoend_latency histogram", "temporal_workflow_endtoend_latency_bucket{",
		"temporal_workflow_task_schedule_to_start_latency_bucket{", "temporal_worker_task_slots_available{",
		`http_requests_total{code="200",method="GET",pattern="GET /readyz"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestEmbeddedRestartKeepsTimers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal server twice")
	}
	dir, port := t.TempDir(), itest.FreePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	srv := startEmbedded(t, dir, port)
	c := dial(t, srv, metrics.New())
	w := startWorker(t, c)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "restart", TaskQueue: workflows.TaskQueue}, sleeper, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// Stop only once the timer is in the history, so that it is the
	// restarted server that fires it.
	awaitTimerStarted(t, c, run)
	w.Stop()
	c.Close()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	srv = startEmbedded(t, dir, port)
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
}

// awaitTimerStarted waits until run's history holds a started timer: a
// server stopped then leaves the firing to the restarted one.
func awaitTimerStarted(t *testing.T, c client.Client, run client.WorkflowRun) {
	t.Helper()
	itest.Eventually(t, time.Minute, func(ctx context.Context) error {
		events := c.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for events.HasNext() {
			ev, err := events.Next()
			if err != nil {
				return err
			}
			if ev.GetEventType() == enumspb.EVENT_TYPE_TIMER_STARTED {
				return nil
			}
		}
		return errors.New("no TimerStarted event yet")
	})
}
