package main

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/temporal/embedded"
)

func newServeCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "serve", Args: positional(),
		Short: "run everything in one process: Temporal, the worker and the HTTP API",
		Long:  "Runs Temporal, the worker and the HTTP API in one process, on SQLite files in --data-dir."}
	fs := cmd.Flags()
	httpAddr := fs.String("http-addr", "127.0.0.1:8080", "HTTP address (host:port) of the API and probes")
	adminAddr := adminAddrFlag(fs, "127.0.0.1:9090")
	dataDir := fs.String("data-dir", "./data", "directory of Temporal's and the record store's SQLite files; created on first start")
	port := fs.Int("temporal-port", 7233, "port of the embedded Temporal frontend on 127.0.0.1")
	namespace := fs.String("namespace", "default", "Temporal namespace")
	level := logLevelFlag(fs)
	sessionKey := sessionKeyFlag(fs)
	sessions := sessionTimeoutFlags(fs)
	simulation := simulationFlag(fs)
	var links linkFlags
	var send sendFlags
	var limits limitFlags
	links.register(fs)
	send.register(fs)
	limits.register(fs)
	cmd.RunE = func(*cobra.Command, []string) error {
		return runProcess("serve", *level, func(ctx context.Context, p *process) error {
			lim, err := limits.limits()
			if err != nil {
				return err
			}
			pages, err := p.pages(*sessionKey)
			if err != nil {
				return err
			}
			if err := privateDir(*dataDir); err != nil {
				return err
			}
			links.publicURL = cmp.Or(links.publicURL, publicURLFor(*httpAddr))
			if err := refuseTrialKeys(links.publicURL, map[string]string{"--session-key": *sessionKey, "--unsubscribe-key": links.key}); err != nil {
				return err
			}
			secret, err := links.secret(*dataDir)
			if err != nil {
				return err
			}
			senders, err := send.senders(links, secret)
			if err != nil {
				return err
			}
			apiLinks, err := links.apiOptions(p, secret)
			if err != nil {
				return err
			}
			st, err := openStore(ctx, filepath.Join(*dataDir, "compact.db"))
			if err != nil {
				return fmt.Errorf("record store: %w", err)
			}
			p.onStop("record store", st.Close)
			srv, err := startTemporal(p, embedded.Options{DataDir: filepath.Join(*dataDir, "temporal"), Port: *port, Namespace: *namespace})
			if err != nil {
				return err
			}
			c, err := p.dial(ctx, client.Options{HostPort: srv.Address(), Namespace: *namespace})
			if err != nil {
				return err
			}
			if err := p.startWorker(c, st, senders); err != nil {
				return err
			}
			if err := p.startNotifications(ctx, c); err != nil {
				return err
			}
			return p.serveHTTP(*httpAddr, *adminAddr, api.Options{
				Temporal: c,
				Store:    st,
				Links:    apiLinks,
				Checks:   []api.Check{api.WorkerCheck(c, p.identity)},
				Pages:    pages,
				Limits:   lim,
				// The workers deliver where the API registers.
				AllowPrivateWebhooks: send.allowPrivate,
				Sessions:             *sessions,
				EnableSimulation:     *simulation,
			})
		})
	}
	return cmd
}

// startTemporal starts an embedded Temporal server, with Compact's search
// attributes and logger, on the store opts names.
func startTemporal(p *process, opts embedded.Options) (*embedded.Server, error) {
	opts.SearchAttributes = searchAttributes
	opts.Logger = p.log.Named("temporal-server")
	srv, err := embedded.Start(opts)
	if err != nil {
		return nil, err
	}
	p.onStop("temporal server", srv.Stop)
	store := zap.String("data_dir", opts.DataDir)
	if opts.Postgres != "" {
		store = zap.String("store", "postgres")
	}
	p.log.Info("temporal server listening", zap.String("address", srv.Address()),
		zap.String("namespace", opts.Namespace), store)
	return srv, nil
}
