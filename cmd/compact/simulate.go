package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/simulate"
	"github.com/compact-un/compact/temporal/embedded"
	"github.com/compact-un/compact/workflows"
)

func newSimulateCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "simulate [template]", Args: optional,
		Short:             "replay a template's history on a scaled clock, on a throwaway embedded stack",
		Long:              "Replays a template's history (default gcm-2018) with simulated participants on a throwaway embedded Temporal server and store, printing each stage as it is recorded.",
		ValidArgsFunction: completeTemplates}
	fs := cmd.Flags()
	scale := fs.Float64("scale", 2e7, "process seconds per wall second (86400: a day a second)")
	def := simulate.DefaultSimulation
	stakeholders := fs.Int("stakeholders", def.Stakeholders, "organisations that apply for accreditation")
	objectEvery := fs.Int("object-every", def.ObjectEvery, "every n-th application draws an objection (0: none)")
	contributions := fs.Int("contributions", def.ContributionsPerWindow, "contributions to each consultation's window")
	amendments := fs.Int("amendments", def.AmendmentsPerRound, "amendments to each draft")
	level := fs.String("log-level", "error", "log level: debug, info, warn or error")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		templateID := domain.DefaultTemplate
		if len(args) > 0 {
			templateID = args[0]
		}
		tmpl, err := domain.LookupTemplate(templateID)
		if err != nil {
			return errors.New(domain.Message(err))
		}
		p, err := newProcess("simulate", *level)
		if err != nil {
			return err
		}
		ctx, cancel := signalContext(p.log)
		defer cancel()
		err = runSimulation(ctx, p, tmpl, simulate.Options{
			Template: tmpl, Scale: *scale,
			Simulation: workflows.Simulation{Stakeholders: *stakeholders, ObjectEvery: *objectEvery,
				ContributionsPerWindow: *contributions, AmendmentsPerRound: *amendments},
		}, cmd.OutOrStdout())
		if stopErr := p.stop(); err == nil {
			err = stopErr
		}
		return failed(err)
	}
	return cmd
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
	srv, err := startTemporal(p, embedded.Options{DataDir: filepath.Join(dir, "temporal"), Namespace: "default"})
	if err != nil {
		return err
	}
	c, err := p.dial(ctx, client.Options{HostPort: srv.Address(), Namespace: "default"})
	if err != nil {
		return err
	}
	if err := p.startWorker(c, st, nil); err != nil {
		return err
	}
	f, err := simulate.Measure(ctx, c, st, opts, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s ran in %s at scale %g; largest history %d events (%s), replayed in %s\n%s\n",
		tmpl.ID, f.Wall.Round(time.Millisecond), opts.Scale, f.Largest, f.LargestID, f.Replay.Round(time.Millisecond), f.Tasks)
	return nil
}
