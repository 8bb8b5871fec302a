package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/compact-un/compact/bench"
	"github.com/compact-un/compact/simulate"
)

func benchCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("bench", "Measures a deadline rush on a throwaway embedded stack: contribution intake over HTTP beside a bare intake (decode, append, group commit, nothing else) on the same database and beside one Temporal update per contribution, observer reads beside a bare net/http handler, and Member States' amendments and positions on a draft's text; then the whole gcm-2018 process at scale (1,000 stakeholders, 10,016 contributions) on a scaled clock, with its largest history's replay, the run's peak RSS and CPU time, and this binary's serve start; last, 10,000 observers' event streams on one API process and the delay until a stage event reaches them. Exits 1 if a target is missed.", stderr)
	clients := fs.Int("clients", 64, "concurrent submitters and readers")
	contributions := fs.Int("contributions", 20000, "contributions the intake run submits")
	updates := fs.Int("updates", 3000, "contributions the naive run sends as Temporal updates")
	negotiation := fs.Int("negotiation", 10000, "amendments and positions, half each, the negotiation run sends")
	reads := fs.Duration("reads", 5*time.Second, "how long each read run lasts")
	observers := fs.Int("observers", 10000, "server-sent-event streams the observers run opens on one API process before it causes a stage event (0 skips the run)")
	scale := fs.Float64("scale", 2e7, "the whole process's clock: process seconds per wall second")
	pg := fs.String("postgres", "", "URL of an empty PostgreSQL database to hold the record store instead of a SQLite file (scripts/pg.sh start gives one)")
	profile := fs.String("profile", "", "directory to write CPU, block and mutex profiles of the intake and bare intake runs to")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	compact, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "compact bench: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *observers == 0 {
		*observers = -1 // bench.Options' zero is its default
	}
	r, err := bench.Run(ctx, bench.Options{
		Concurrency: *clients, Contributions: *contributions, Updates: *updates, Negotiation: *negotiation, Observers: *observers, Reads: *reads, Progress: stderr,
		Process: simulate.Options{Scale: *scale}, Postgres: *pg, ProfileDir: *profile, Compact: compact,
	})
	if err != nil {
		fmt.Fprintf(stderr, "compact bench: %v\n", err)
		return 1
	}
	if err := r.Write(stdout); err != nil {
		return 1
	}
	for _, t := range r.Targets() {
		if !t.Met {
			return 1
		}
	}
	return 0
}
