package itest_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/itest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/workflows"
)

// TestTopology runs Temporal, a worker and the API as three processes on
// one SQLite record store, as a deployment that scales them apart would.
func TestTopology(t *testing.T) {
	dir := t.TempDir()
	port := strconv.Itoa(itest.FreePort(t))
	temporalAddr := "127.0.0.1:" + port
	db := filepath.Join(dir, "compact.db")
	workerHTTP, apiHTTP := itest.FreeAddr(t), itest.FreeAddr(t)
	workerAdmin, apiAdmin := itest.FreeAddr(t), itest.FreeAddr(t)

	temporal := itest.StartProcess(t, "temporal", "--data-dir", dir, "--temporal-port", port)
	// The worker and the API start at once and wait for Temporal themselves.
	remote := []string{"--temporal-address", temporalAddr, "--db", db}
	worker := itest.StartProcess(t, append([]string{"worker", "--http-addr", workerHTTP, "--admin-addr", workerAdmin}, remote...)...)
	apiProc := itest.StartProcess(t, append([]string{"api", "--http-addr", apiHTTP, "--admin-addr", apiAdmin}, remote...)...)

	for _, probe := range []struct {
		p      *itest.Proc
		addr   string
		admin  string
		checks []string
	}{
		{worker, workerHTTP, workerAdmin, []string{"temporal", "store", "worker"}},
		{apiProc, apiHTTP, apiAdmin, []string{"temporal", "store"}},
	} {
		probe.p.WaitReady(t, "http://"+probe.addr+"/readyz", readyTimeout)
		_, body := itest.Get(t, "http://"+probe.addr+"/readyz")
		var ready api.Readiness
		if err := json.Unmarshal([]byte(body), &ready); err != nil {
			t.Fatalf("%s /readyz: %v: %s", probe.p.Args[0], err, body)
		}
		var names []string
		for _, c := range ready.Checks {
			names = append(names, c.Name)
		}
		if !slices.Equal(names, probe.checks) || ready.Status != "ready" {
			t.Fatalf("%s /readyz = %s, want checks %v", probe.p.Args[0], body, probe.checks)
		}
		if _, body := itest.Get(t, "http://"+probe.admin+"/metrics"); !strings.Contains(body, "temporal_request{") {
			t.Errorf("%s /metrics has no Temporal SDK metrics", probe.p.Args[0])
		}
	}

	// The worker process runs a whole process that a client started.
	runGCM(t, temporalAddr)

	// A worker's port serves probes, never the API.
	if code, _ := itest.Get(t, "http://"+workerHTTP+"/v1/processes"); code != 404 {
		t.Errorf("worker GET /v1/processes = %d, want 404", code)
	}

	for _, p := range []*itest.Proc{apiProc, worker, temporal} {
		p.Signal(t, syscall.SIGTERM)
		if code := p.WaitExit(t, exitTimeout); code != 0 {
			t.Fatalf("compact %s: exit code %d after SIGTERM, want 0", p.Args[0], code)
		}
	}
}

// runGCM replays the migration compact through the Temporal server at addr
// on a fast clock and checks its outcome.
func runGCM(t *testing.T, addr string) {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: "default", Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tmpl, err := process.LookupTemplate("gcm-2018")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.ProcessWorkflowID(tmpl.ID), TaskQueue: workflows.TaskQueue},
		workflows.Process, workflows.ProcessInput{ProcessID: tmpl.ID, Template: *tmpl, Clock: process.Clock{Scale: 2e7},
			Simulation: &workflows.Simulation{Stakeholders: 20, ObjectEvery: 5, ContributionsPerWindow: 5, AmendmentsPerRound: 5}})
	if err != nil {
		t.Fatal(err)
	}
	var res workflows.ProcessResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("gcm-2018: %v", err)
	}
	if o := res.Outcome; o == nil || o.Yes != 152 || o.No != 5 || o.Abstain != 12 {
		t.Fatalf("gcm-2018 outcome %+v, want 152–5–12", o)
	}
}
