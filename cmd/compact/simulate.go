package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/simulate"
	"github.com/compact-un/compact/workflows"
)

func simulateCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("simulate [template]", "Replays a template's history (default gcm-2018) with simulated participants on a throwaway embedded Temporal server and store, printing each stage as it is recorded.", stderr)
	scale := fs.Float64("scale", 2e7, "process seconds per wall second (86400: a day a second)")
	def := simulate.DefaultSimulation
	stakeholders := fs.Int("stakeholders", def.Stakeholders, "organisations that apply for accreditation")
	objectEvery := fs.Int("object-every", def.ObjectEvery, "every n-th application draws an objection (0: none)")
	contributions := fs.Int("contributions", def.ContributionsPerWindow, "contributions to each consultation's window")
	amendments := fs.Int("amendments", def.AmendmentsPerRound, "amendments to each draft")
	level := fs.String("log-level", "error", "log level: debug, info, warn or error")
	// The template comes first: compact simulate gcm-2018 --scale 86400.
	templateID := domain.DefaultTemplate
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		templateID, args = args[0], args[1:]
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	tmpl, err := domain.LookupTemplate(templateID)
	if err != nil {
		fmt.Fprintf(stderr, "compact simulate: %v\n", domain.Message(err))
		return 2
	}
	p, err := newProcess("simulate", *level)
	if err != nil {
		fmt.Fprintf(stderr, "compact simulate: %v\n", err)
		return 2
	}
	ctx, cancel := signalContext(p.log)
	defer cancel()
	err = runSimulation(ctx, p, tmpl, simulate.Options{
		Template: tmpl, Scale: *scale,
		Simulation: workflows.Simulation{Stakeholders: *stakeholders, ObjectEvery: *objectEvery,
			ContributionsPerWindow: *contributions, AmendmentsPerRound: *amendments},
	}, stdout)
	if stopErr := p.stop(); err == nil {
		err = stopErr
	}
	if err != nil {
		fmt.Fprintf(stderr, "compact simulate: %v\n", err)
		return 1
	}
	return 0
}

func runSimulation(ctx context.Context, p *process, tmpl *domain.Template, opts simulate.Options, out io.Writer) error {
	dir, err := os.MkdirTemp("", "compact-simulate-")
	if err != nil {
		return err
	}
	p.onStop("data dir", func() error { return os.RemoveAll(dir) })
	st, err := openStore(ctx, filepath.Join(dir, "compact.db"))
	if err != nil {
		return fmt.Errorf("record store: %w", err)
	}
	p.onStop("record store", st.Close)
	srv, err := startTemporal(p, filepath.Join(dir, "temporal"), "", 0, "default")
	if err != nil {
		return err
	}
	c, err := p.dial(ctx, client.Options{HostPort: srv.Address(), Namespace: "default"})
	if err != nil {
		return err
	}
	if err := p.startWorker(c, st); err != nil {
		return err
	}
	start := time.Now()
	if _, err := simulate.Run(ctx, c, st, opts, out); err != nil {
		return err
	}
	wall := time.Since(start)
	largest, name, err := largestHistory(ctx, c, tmpl)
	if err != nil {
		return err
	}
	replay, err := replayHistory(ctx, c, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s ran in %s at scale %g; largest history %d events (%s), replayed in %s\n",
		tmpl.ID, wall.Round(time.Millisecond), opts.Scale, largest, name, replay.Round(time.Millisecond))
	return nil
}

// replayHistory replays a workflow's history through the workflows' code,
// as a worker does after a restart, and times it.
func replayHistory(ctx context.Context, c client.Client, workflowID string) (time.Duration, error) {
	var events []*historypb.HistoryEvent
	it := c.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return 0, fmt.Errorf("history of %s: %w", workflowID, err)
		}
		events = append(events, ev)
	}
	replayer := sdkworker.NewWorkflowReplayer()
	workflows.Register(replayer)
	start := time.Now()
	if err := replayer.ReplayWorkflowHistory(nil, &historypb.History{Events: events}); err != nil {
		return 0, fmt.Errorf("replay %s: %w", workflowID, err)
	}
	return time.Since(start), nil
}

// largestHistory finds the longest history among the process's workflows.
func largestHistory(ctx context.Context, c client.Client, tmpl *domain.Template) (int64, string, error) {
	ids := []string{workflows.ProcessWorkflowID(tmpl.ID)}
	for _, s := range tmpl.Stages() {
		ids = append(ids, workflows.StageWorkflowID(tmpl.ID, s.ID))
	}
	var largest int64
	var name string
	for _, id := range ids {
		desc, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			return 0, "", fmt.Errorf("describe %s: %w", id, err)
		}
		if n := desc.GetWorkflowExecutionInfo().GetHistoryLength(); n > largest {
			largest, name = n, id
		}
	}
	return largest, name, nil
}
