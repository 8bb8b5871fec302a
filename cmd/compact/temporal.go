package main

import (
	"context"
	"io"
	"path/filepath"
)

func temporalCmd(args []string, stderr io.Writer) int {
	fs := newFlags("temporal", "Runs a standalone Temporal server on a SQLite file in --data-dir, for workers and APIs in other processes.", stderr)
	dataDir := fs.String("data-dir", "./data", "directory of Temporal's SQLite file (in its temporal/ subdirectory, as serve keeps it); created on first start")
	port := fs.Int("temporal-port", 7233, "port of the Temporal frontend")
	ip := fs.String("ip", "127.0.0.1", "IP address the Temporal services bind to")
	namespace := fs.String("namespace", "default", "Temporal namespace to register")
	level := logLevelFlag(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	return runProcess("temporal", *level, stderr, func(_ context.Context, p *process) error {
		if err := privateDir(*dataDir); err != nil {
			return err
		}
		_, err := startTemporal(p, filepath.Join(*dataDir, "temporal"), *ip, *port, *namespace)
		return err
	})
}
