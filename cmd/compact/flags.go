package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/config"
)

// newFlags returns the flag set of one command; its usage names each flag's
// environment twin.
func newFlags(cmd, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: compact %s [flags]\n\n%s\n\nFlags (environment twin in brackets):\n", cmd, summary)
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(stderr, "  --%s [%s]\n    \t%s", f.Name, config.EnvName(f.Name), f.Usage)
			if showDefault(f) {
				fmt.Fprintf(stderr, " (default %q)", f.DefValue)
			}
			fmt.Fprintln(stderr)
		})
	}
	return fs
}

// showDefault reports whether a flag's help shows its default: not when
// the flag is required or its usage says what leaving it out does (the
// value is then a placeholder, such as -1 for "no revision given"), nor
// when it is its type's zero value.
func showDefault(f *flag.Flag) bool {
	switch f.DefValue {
	case "", "0", "0s", "false":
		return false
	}
	return !strings.Contains(f.Usage, "(required") && !strings.Contains(f.Usage, "default")
}

// parse parses args and the environment; ok is false when the command must
// not run, with the exit code to return (0 after -h).
func parse(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0, false
	} else if err != nil {
		return 2, false // fs.Parse has said why
	}
	if err := config.FromEnv(fs, os.LookupEnv); err != nil {
		fmt.Fprintf(fs.Output(), "compact %s: %v\n", fs.Name(), err)
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "compact %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return 2, false
	}
	return 0, true
}

// adminAddrFlag is where a command serves /metrics and /debug/pprof/:
// loopback by default, never the public address.
func adminAddrFlag(fs *flag.FlagSet, addr string) *string {
	return fs.String("admin-addr", addr, "address (host:port) of the metrics (/metrics) and the profiler (/debug/pprof/), "+
		"apart from the public one; keep it off the public network")
}

// simulationFlag lets the API start simulated processes (api.Options.EnableSimulation).
func simulationFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("enable-simulation", false, "let POST /v1/processes start processes with simulated participants "+
		"(its simulation field), for demonstrations; off, such a create is refused")
}

// limitFlags bound the API's clients beyond api.Limits' defaults.
type limitFlags struct {
	trustedProxies string
	rates          string
}

func (l *limitFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.trustedProxies, "trusted-proxies", "", "CIDRs of the proxies in front (e.g. 10.0.0.0/8,127.0.0.1/32) whose "+
		"X-Forwarded-For names the client, for the limits per client address; default none: the client is the connection's peer")
	fs.StringVar(&l.rates, "rate-limits", "", "quotas of writes and costly reads that override the defaults, "+
		"e.g. stakeholder.writes=5/s,observer.reads=30/m:10 (rate, then burst), or off")
}

func (l *limitFlags) limits() (api.Limits, error) {
	var lim api.Limits
	for cidr := range strings.SplitSeq(l.trustedProxies, ",") {
		if cidr = strings.TrimSpace(cidr); cidr == "" {
			continue
		}
		p, err := netip.ParsePrefix(cidr)
		if err != nil {
			return lim, fmt.Errorf("--trusted-proxies: %w", err)
		}
		lim.TrustedProxies = append(lim.TrustedProxies, p)
	}
	switch l.rates {
	case "":
	case "off":
		lim.NoRateLimits = true
	default:
		rates, err := api.ParseRates(l.rates)
		if err != nil {
			return lim, fmt.Errorf("--rate-limits: %w", err)
		}
		lim.Rates = rates
	}
	return lim, nil
}

func logLevelFlag(fs *flag.FlagSet) *string {
	return fs.String("log-level", "info", "log level: debug, info, warn or error")
}

// remoteFlags locate the Temporal server and the record store of a worker or
// API process that does not embed them.
type remoteFlags struct {
	temporalAddress string
	namespace       string
	tlsCert         string
	tlsKey          string
	tlsCA           string
	tlsServerName   string
	db              string
	httpAddr        string
	adminAddr       *string
	logLevel        *string
}

func (r *remoteFlags) register(fs *flag.FlagSet, httpAddr, adminAddr string) {
	fs.StringVar(&r.temporalAddress, "temporal-address", "127.0.0.1:7233", "Temporal frontend host:port")
	fs.StringVar(&r.namespace, "namespace", "default", "Temporal namespace")
	fs.StringVar(&r.tlsCert, "tls-cert", "", "client certificate (PEM) for mutual TLS to Temporal; needs --tls-key")
	fs.StringVar(&r.tlsKey, "tls-key", "", "client private key (PEM) for mutual TLS to Temporal")
	fs.StringVar(&r.tlsCA, "tls-ca", "", "CA certificates (PEM) that sign Temporal's certificate; default the system's")
	fs.StringVar(&r.tlsServerName, "tls-server-name", "", "name to verify in Temporal's certificate; default the address's host")
	fs.StringVar(&r.db, "db", "", "record store: a postgres:// URL or a SQLite file path (required)")
	fs.StringVar(&r.httpAddr, "http-addr", httpAddr, "HTTP address (host:port)")
	r.adminAddr = adminAddrFlag(fs, adminAddr)
	r.logLevel = logLevelFlag(fs)
}

// tlsConfig is nil, for plain gRPC, unless a TLS flag is set.
func (r *remoteFlags) tlsConfig() (*tls.Config, error) {
	if r.tlsCert == "" && r.tlsKey == "" && r.tlsCA == "" && r.tlsServerName == "" {
		return nil, nil
	}
	conf := &tls.Config{ServerName: r.tlsServerName, MinVersion: tls.VersionTLS12}
	if (r.tlsCert == "") != (r.tlsKey == "") {
		return nil, errors.New("--tls-cert and --tls-key go together")
	}
	if r.tlsCert != "" {
		pair, err := tls.LoadX509KeyPair(r.tlsCert, r.tlsKey)
		if err != nil {
			return nil, fmt.Errorf("tls key pair: %w", err)
		}
		conf.Certificates = []tls.Certificate{pair}
	}
	if r.tlsCA != "" {
		pem, err := os.ReadFile(r.tlsCA)
		if err != nil {
			return nil, fmt.Errorf("tls ca: %w", err)
		}
		conf.RootCAs = x509.NewCertPool()
		if !conf.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls ca: no PEM certificate in %s", r.tlsCA)
		}
	}
	return conf, nil
}
