package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/workflows"
)

// checkTimeout bounds each readiness check, so a hung dependency answers
// 503 before a prober gives up.
const checkTimeout = 3 * time.Second

// pollerFreshness is how recently a worker must have polled to count as
// polling. A long poll waits up to a minute at the server before the worker
// polls again, so one minute alone would flap.
const pollerFreshness = 2 * time.Minute

// Check is one readiness condition; Run returns nil when it holds.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// TemporalCheck holds when the Temporal frontend answers its health check.
func TemporalCheck(c client.Client) Check {
	return Check{Name: "temporal", Run: func(ctx context.Context) error {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	}}
}

// StoreCheck holds when the record store answers.
func StoreCheck(s store.Store) Check {
	return Check{Name: "store", Run: s.Ping}
}

// WorkerCheck holds when Temporal has seen the workers with this identity
// (client.Options.Identity) poll lately, workflows.TaskQueue for workflow
// tasks and workflows.SlowTaskQueue for activities: it proves both are
// started and reach the server, not merely that they were built.
func WorkerCheck(c client.Client, identity string) Check {
	return Check{Name: "worker", Run: func(ctx context.Context) error {
		if err := polled(ctx, c, identity, workflows.TaskQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW); err != nil {
			return err
		}
		return polled(ctx, c, identity, workflows.SlowTaskQueue, enumspb.TASK_QUEUE_TYPE_ACTIVITY)
	}}
}

// polled says whether the worker with this identity polled queue lately.
func polled(ctx context.Context, c client.Client, identity, queue string, typ enumspb.TaskQueueType) error {
	res, err := c.DescribeTaskQueue(ctx, queue, typ)
	if err != nil {
		return err
	}
	for _, p := range res.GetPollers() {
		if p.GetIdentity() == identity && time.Since(p.GetLastAccessTime().AsTime()) < pollerFreshness {
			return nil
		}
	}
	return fmt.Errorf("no poll from %q on task queue %q in the last %s", identity, queue, pollerFreshness)
}

// CheckResult is one check's outcome in the /readyz body.
type CheckResult struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// Readiness is the /readyz body.
type Readiness struct {
	Status string        `json:"status"` // "ready" or "unavailable"
	Checks []CheckResult `json:"checks"`
}

// healthz answers as long as the process serves HTTP at all.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz runs every check at once and answers 200 when all hold, 503 naming
// the failing ones otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
	defer cancel()
	body := Readiness{Status: "ready", Checks: make([]CheckResult, len(s.checks))}
	var wg sync.WaitGroup
	for i, c := range s.checks {
		wg.Go(func() {
			res := CheckResult{Name: c.Name, OK: true}
			if err := c.Run(ctx); err != nil {
				res.OK, res.Error = false, err.Error()
			}
			body.Checks[i] = res
		})
	}
	wg.Wait()
	code := http.StatusOK
	for _, c := range body.Checks {
		if !c.OK {
			body.Status, code = "unavailable", http.StatusServiceUnavailable
			s.log.Debug("readiness check failing", zap.String("check", c.Name), zap.String("error", c.Error))
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}
