package main

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"syscall"
	"time"

	"github.com/compact-un/compact/bench"
)

func benchCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("bench", "Measures a deadline rush on a throwaway embedded stack: contribution intake over HTTP beside one Temporal update per contribution, and observer reads beside a bare net/http handler.", stderr)
	clients := fs.Int("clients", 64, "concurrent submitters and readers")
	contributions := fs.Int("contributions", 20000, "contributions the intake run submits")
	updates := fs.Int("updates", 3000, "contributions the naive run sends as Temporal updates")
	reads := fs.Duration("reads", 5*time.Second, "how long each read run lasts")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	r, err := bench.Run(ctx, bench.Options{
		Concurrency: *clients, Contributions: *contributions, Updates: *updates, Reads: *reads, Progress: stderr,
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
