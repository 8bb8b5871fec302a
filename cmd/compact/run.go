package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/logging"
	"github.com/compact-un/compact/internal/metrics"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/worker"
	"github.com/compact-un/compact/workflows"
)

const (
	// dialTimeout bounds the wait for a Temporal server that is still
	// starting, as in a topology whose processes start together.
	dialTimeout = time.Minute
	// httpDrainTimeout bounds the wait for requests in flight at shutdown.
	httpDrainTimeout = 10 * time.Second
	// sweepInterval spaces the API's sweeps of sessions that are over
	// and of tokens' dead secrets: a session lives for minutes to hours.
	sweepInterval = 10 * time.Minute
)

// searchAttributes are registered with the namespace of an embedded server.
var searchAttributes = map[string]enumspb.IndexedValueType{
	"CompactProcess": enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	"CompactStage":   enumspb.INDEXED_VALUE_TYPE_KEYWORD,
}

// process is one running command: its parts start in order, register how
// to stop, and stop in reverse order.
type process struct {
	log      *zap.Logger
	started  time.Time
	identity string // of the Temporal client and so of the worker
	metrics  *metrics.Registry
	stops    []stopper
	failed   chan error // a part that fails while running
}

type stopper struct {
	name string
	stop func() error
}

// runProcess starts a command's parts, waits for SIGINT, SIGTERM or a
// failing part, and stops the parts. A second signal exits at once. A
// failure is logged, and ends the command with exit status 1.
func runProcess(cmd, level string, start func(ctx context.Context, p *process) error) error {
	p, err := newProcess(cmd, level)
	if err != nil {
		return err
	}
	log := p.log
	defer func() { _ = log.Sync() }()
	ctx, cancel := signalContext(log)
	defer cancel()

	err = start(ctx, p)
	if err == nil {
		log.Info("ready", zap.String("command", cmd), zap.Duration("took", time.Since(p.started)))
		select {
		case <-ctx.Done():
		case err = <-p.failed:
		}
	}
	if ctx.Err() != nil {
		// Signalled, maybe while starting: stopping is what was asked for.
		err = nil
	} else if err != nil {
		log.Error("failed", zap.String("command", cmd), zap.Error(err))
	}
	if stopErr := p.stop(); stopErr != nil && err == nil {
		err = stopErr
	}
	if err != nil {
		return exitStatus(1)
	}
	log.Info("stopped", zap.String("command", cmd))
	return nil
}

// newProcess prepares a command's process, logging at level.
func newProcess(cmd, level string) (*process, error) {
	log, err := logging.New(level)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	return &process{
		log:      log,
		started:  time.Now(),
		identity: fmt.Sprintf("%d@%s@compact-%s", os.Getpid(), host, cmd),
		metrics:  metrics.New(),
		failed:   make(chan error, 1),
	}, nil
}

// signalContext is cancelled by the first SIGINT or SIGTERM, which drains;
// a second one exits at once.
func signalContext(log *zap.Logger) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		log.Info("draining; a second signal exits at once", zap.Stringer("signal", sig))
		cancel()
		sig = <-sigs
		log.Warn("exiting at once", zap.Stringer("signal", sig))
		os.Exit(1)
	}()
	return ctx, cancel
}

// onStop registers how to stop a part that has started.
func (p *process) onStop(name string, stop func() error) {
	p.stops = append(p.stops, stopper{name, stop})
}

// fail reports a part that failed while running; the first failure stops
// the process.
func (p *process) fail(err error) {
	select {
	case p.failed <- err:
	default:
	}
}

// stop stops the parts, last started first, and joins their errors.
func (p *process) stop() error {
	var errs []error
	for i := len(p.stops) - 1; i >= 0; i-- {
		s := p.stops[i]
		t := time.Now()
		if err := s.stop(); err != nil {
			p.log.Error("stop failed", zap.String("part", s.name), zap.Error(err))
			errs = append(errs, fmt.Errorf("stop %s: %w", s.name, err))
			continue
		}
		p.log.Info("stopped", zap.String("part", s.name), zap.Duration("took", time.Since(t)))
	}
	return errors.Join(errs...)
}

// dial connects to Temporal, retrying while the server is still starting.
// The client reports its metrics to p.metrics.
func (p *process) dial(ctx context.Context, opts client.Options) (client.Client, error) {
	opts.Logger = logging.Temporal(p.log.Named("temporal-sdk"))
	opts.MetricsHandler = p.metrics.Temporal()
	opts.Identity = p.identity
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	for {
		c, err := client.DialContext(ctx, opts)
		if err == nil {
			p.onStop("temporal client", func() error { c.Close(); return nil })
			p.log.Info("temporal client connected", zap.String("address", opts.HostPort), zap.String("namespace", opts.Namespace))
			return c, nil
		}
		p.log.Info("temporal not reachable yet", zap.String("address", opts.HostPort), zap.Error(err))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("dial temporal at %s: %w", opts.HostPort, err)
		case <-time.After(time.Second):
		}
	}
}

// startWorker starts the workers of workflows.TaskQueue and
// workflows.SlowTaskQueue with activities over st,
// delivering notifications with senders (nil: worker.New's).
func (p *process) startWorker(c client.Client, st store.Store, senders notify.Senders) error {
	var w worker.Workers
	if senders == nil {
		w = worker.New(c, activities.New(st))
	} else {
		w = worker.NewWith(c, activities.New(st), &activities.Deliverer{Store: st, Senders: senders})
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	// Run (Start is idempotent) returns the cause if a worker dies, which
	// must stop the process; stopping through Run's interrupt rather than
	// Stop keeps the two from racing.
	interrupt, done := make(chan any), make(chan struct{})
	go func() {
		defer close(done)
		if err := w.Run(interrupt); err != nil {
			p.fail(fmt.Errorf("worker: %w", err))
		}
	}()
	p.onStop("worker", func() error { close(interrupt); <-done; return nil })
	p.log.Info("workers polling", zap.Strings("task_queues", []string{workflows.TaskQueue, workflows.SlowTaskQueue}), zap.String("identity", p.identity))
	return nil
}

// serveHTTP listens on addr and serves o there, and its metrics and
// profiler on adminAddr; o.Metrics is p's registry.
func (p *process) serveHTTP(addr, adminAddr string, o api.Options) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	admin, err := net.Listen("tcp", adminAddr)
	if err != nil {
		l.Close()
		return fmt.Errorf("admin: %w", err)
	}
	o.Logger, o.Metrics = p.log.Named("http"), p.metrics
	s := api.New(o)
	for name, serve := range map[string]func() error{
		"http":  func() error { return s.Serve(l) },
		"admin": func() error { return s.ServeAdmin(admin) },
	} {
		go func() {
			if err := serve(); err != nil {
				p.fail(fmt.Errorf("%s: %w", name, err))
			}
		}()
	}
	p.onStop("http server", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), httpDrainTimeout)
		defer cancel()
		return s.Shutdown(ctx)
	})
	if o.Store != nil {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.SweepEvery(ctx, sweepInterval)
		}()
		p.onStop("sweeps", func() error { cancel(); <-done; return nil })
	}
	p.log.Info("http listening", zap.String("addr", l.Addr().String()), zap.String("admin_addr", admin.Addr().String()))
	return nil
}
