package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/compact-un/compact/bench"
	"github.com/compact-un/compact/simulate"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "bench", Args: positional(),
		Short: "measure intake and reads against their targets on a throwaway embedded stack",
		Long:  "Measures a deadline rush on a throwaway embedded stack: contribution intake over HTTP beside a bare intake (decode, append, group commit, nothing else) on the same database and beside one Temporal update per contribution, observer reads beside a bare net/http handler, and Member States' amendments and positions on a draft's text; then the whole gcm-2018 process at scale (1,000 stakeholders, 10,016 contributions) on a scaled clock, with its largest history's replay, the run's peak RSS and CPU time, and this binary's serve start; last, 10,000 observers' event streams on one API process and the delay until a stage event reaches them. Exits 1 if a target is missed."}
	fs := cmd.Flags()
	clients := fs.Int("clients", 64, "concurrent submitters and readers")
	contributions := fs.Int("contributions", 20000, "contributions the intake run submits")
	updates := fs.Int("updates", 3000, "contributions the naive run sends as Temporal updates")
	negotiation := fs.Int("negotiation", 10000, "amendments and positions, half each, the negotiation run sends")
	reads := fs.Duration("reads", 5*time.Second, "how long each read run lasts")
	observers := fs.Int("observers", 10000, "server-sent-event streams the observers run opens on one API process before it causes a stage event (0 skips the run)")
	scale := fs.Float64("scale", 2e7, "the whole process's clock: process seconds per wall second")
	pg := fs.String("postgres", "", "URL of an empty PostgreSQL database to hold the record store instead of a SQLite file (scripts/pg.sh start gives one)")
	profile := fs.String("profile", "", "directory to write CPU, block and mutex profiles of the intake and bare intake runs to")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return runBench(cmd.OutOrStdout(), cmd.ErrOrStderr(), bench.Options{
			Concurrency: *clients, Contributions: *contributions, Updates: *updates, Negotiation: *negotiation, Observers: *observers, Reads: *reads,
			Process: simulate.Options{Scale: *scale}, Postgres: *pg, ProfileDir: *profile,
		})
	}
	return cmd
}

// runBench runs the benchmarks of opts and writes their report; exit
// status 1 when a target is missed.
func runBench(stdout, stderr io.Writer, opts bench.Options) error {
	compact, err := os.Executable()
	if err != nil {
		return failed(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if opts.Observers == 0 {
		opts.Observers = -1 // bench.Options' zero is its default
	}
	opts.Progress, opts.Compact = stderr, compact
	r, err := bench.Run(ctx, opts)
	if err != nil {
		return failed(err)
	}
	if err := r.Write(stdout); err != nil {
		return failed(err)
	}
	for _, t := range r.Targets() {
		if !t.Met {
			return exitStatus(1)
		}
	}
	return nil
}
