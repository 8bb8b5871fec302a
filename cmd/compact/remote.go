package main

import (
	"cmp"
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/store"
)

func newWorkerCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "worker", Args: positional(),
		Short: "run the worker against a Temporal server",
		Long:  "Runs the worker against a Temporal server; serves /healthz and /readyz, and /metrics on --admin-addr."}
	fs := cmd.Flags()
	var r remoteFlags
	r.register(cmd, "127.0.0.1:8081", "127.0.0.1:9091")
	var links linkFlags
	var send sendFlags
	links.register(fs)
	send.register(fs)
	cmd.RunE = func(*cobra.Command, []string) error {
		return runProcess("worker", *r.logLevel, func(ctx context.Context, p *process) error {
			secret, err := links.secret("")
			if err != nil {
				return err
			}
			senders, err := send.senders(links, secret)
			if err != nil {
				return err
			}
			c, st, err := r.connect(ctx, p)
			if err != nil {
				return err
			}
			if err := p.startWorker(c, st, senders); err != nil {
				return err
			}
			if err := p.startNotifications(ctx, c); err != nil {
				return err
			}
			// Checks only, not Temporal and Store: with those api.New would add
			// the API's routes, and a worker's port serves probes.
			return p.serveHTTP(r.httpAddr, *r.adminAddr, api.Options{Checks: []api.Check{
				api.TemporalCheck(c), api.StoreCheck(st), api.WorkerCheck(c, p.identity),
			}})
		})
	}
	return cmd
}

func newAPICmd() *cobra.Command {
	cmd := &cobra.Command{Use: "api", Args: positional(),
		Short: "run the HTTP API against a Temporal server",
		Long:  "Runs the HTTP API against a Temporal server."}
	fs := cmd.Flags()
	var r remoteFlags
	r.register(cmd, "127.0.0.1:8080", "127.0.0.1:9090")
	sessionKey := sessionKeyFlag(fs)
	sessions := sessionTimeoutFlags(fs)
	simulation := simulationFlag(fs)
	var links linkFlags
	var limits limitFlags
	links.register(fs)
	limits.register(fs)
	allowPrivate := fs.Bool("webhook-allow-private", false, "let webhooks be registered at loopback and private addresses, "+
		"for a receiver inside the network; give the workers the same flag")
	cmd.RunE = func(*cobra.Command, []string) error {
		return runProcess("api", *r.logLevel, func(ctx context.Context, p *process) error {
			lim, err := limits.limits()
			if err != nil {
				return err
			}
			links.publicURL = cmp.Or(links.publicURL, publicURLFor(r.httpAddr))
			if err := refuseTrialKeys(links.publicURL, map[string]string{"--session-key": *sessionKey, "--unsubscribe-key": links.key}); err != nil {
				return err
			}
			secret, err := links.secret("")
			if err != nil {
				return err
			}
			apiLinks, err := links.apiOptions(p, secret)
			if err != nil {
				return err
			}
			pages, err := p.pages(*sessionKey)
			if err != nil {
				return err
			}
			c, st, err := r.connect(ctx, p)
			if err != nil {
				return err
			}
			return p.serveHTTP(r.httpAddr, *r.adminAddr, api.Options{Temporal: c, Store: st, Pages: pages, Links: apiLinks, Limits: lim,
				AllowPrivateWebhooks: *allowPrivate, Sessions: *sessions, EnableSimulation: *simulation})
		})
	}
	return cmd
}

// connect opens the record store and dials Temporal.
func (r *remoteFlags) connect(ctx context.Context, p *process) (client.Client, store.Store, error) {
	tlsConf, err := r.tlsConfig()
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, r.db)
	if err != nil {
		return nil, nil, fmt.Errorf("record store: %w", err)
	}
	p.onStop("record store", st.Close)
	c, err := p.dial(ctx, client.Options{
		HostPort:          r.temporalAddress,
		Namespace:         r.namespace,
		ConnectionOptions: client.ConnectionOptions{TLS: tlsConf},
	})
	if err != nil {
		return nil, nil, err
	}
	return c, st, nil
}
