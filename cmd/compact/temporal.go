package main

import (
	"context"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/compact-un/compact/temporal/embedded"
)

func newTemporalCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "temporal", Args: positional(),
		Short: "run a standalone Temporal server",
		Long:  "Runs a standalone Temporal server, on a SQLite file in --data-dir or on PostgreSQL (--db), for workers and APIs in other processes."}
	fs := cmd.Flags()
	dataDir := fs.String("data-dir", "./data", "directory of Temporal's SQLite file (in its temporal/ subdirectory, as serve keeps it); created on first start")
	db := fs.String("db", "", "persist Temporal on PostgreSQL instead of SQLite: a postgres:// URL naming a database of Temporal's own, not the record store's; "+
		"Temporal's visibility store goes in the database of that name with _visibility appended; both are created, and their schemas set up or upgraded, at start")
	port := fs.Int("temporal-port", 7233, "port of the Temporal frontend")
	ip := fs.String("ip", "127.0.0.1", "IP address the Temporal services bind to")
	namespace := fs.String("namespace", "default", "Temporal namespace to register")
	level := logLevelFlag(fs)
	cmd.RunE = func(*cobra.Command, []string) error {
		return runProcess("temporal", *level, func(_ context.Context, p *process) error {
			opts := embedded.Options{Postgres: *db, IP: *ip, Port: *port, Namespace: *namespace}
			if *db == "" {
				if err := privateDir(*dataDir); err != nil {
					return err
				}
				opts.DataDir = filepath.Join(*dataDir, "temporal")
			}
			_, err := startTemporal(p, opts)
			return err
		})
	}
	return cmd
}
