package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/config"
	domain "github.com/compact-un/compact/process"
)

// flagUsages lists a command's flags for its help, each with its
// environment twin and, for one the command needs, "(required)": the help
// is made from the flags, so it cannot fall behind them.
func flagUsages(fs *pflag.FlagSet) string {
	var b strings.Builder
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name := "--" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", " + name
		}
		if _, cobras := f.Annotations[cobra.FlagSetByCobraAnnotation]; !cobras {
			name += " [" + config.EnvName(f.Name) + "]"
		}
		fmt.Fprintf(&b, "  %s\n    \t%s", name, f.Usage)
		if _, req := f.Annotations[cobra.BashCompOneRequiredFlag]; req {
			b.WriteString(" (required)")
		} else if showDefault(f) {
			fmt.Fprintf(&b, " (default %q)", f.DefValue)
		}
		b.WriteString("\n")
	})
	return strings.TrimSuffix(b.String(), "\n")
}

// showDefault reports whether a flag's help shows its default: not when
// its usage says what leaving it out does (the value is then a
// placeholder, such as -1 for "the latest revision"), nor when it is its
// type's zero value.
func showDefault(f *pflag.Flag) bool {
	switch f.DefValue {
	case "", "0", "0s", "false", "[]":
		return false
	}
	return !strings.Contains(f.Usage, "default")
}

// required marks flags of cmd as required: cobra refuses the command
// without them, and the help says so.
func required(cmd *cobra.Command, names ...string) {
	for _, n := range names {
		if err := cmd.MarkFlagRequired(n); err != nil {
			panic(err) // no such flag: a mistake in this file's wiring
		}
	}
}

// positional checks a command's positional arguments against the names
// its usage gives them; they may come before, after or among the flags.
func positional(names ...string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) < len(names) {
			return fmt.Errorf("missing %s", strings.Join(names[len(args):], " "))
		}
		if len(args) > len(names) {
			return fmt.Errorf("unexpected argument %q", args[len(names)])
		}
		return nil
	}
}

// optional allows one positional argument or none.
func optional(_ *cobra.Command, args []string) error {
	if len(args) > 1 {
		return fmt.Errorf("unexpected argument %q", args[1])
	}
	return nil
}

// adminAddrFlag is where a command serves /metrics and /debug/pprof/:
// loopback by default, never the public address.
func adminAddrFlag(fs *pflag.FlagSet, addr string) *string {
	return fs.String("admin-addr", addr, "address (host:port) of the metrics (/metrics) and the profiler (/debug/pprof/), "+
		"apart from the public one; keep it off the public network")
}

// simulationFlag lets the API start simulated processes (api.Options.EnableSimulation).
func simulationFlag(fs *pflag.FlagSet) *bool {
	return fs.Bool("enable-simulation", false, "let POST /v1/processes start processes with simulated participants "+
		"(its simulation field), for demonstrations; off, such a create is refused")
}

// limitFlags bound the API's clients beyond api.Limits' defaults.
type limitFlags struct {
	trustedProxies string
	rates          string
}

func (l *limitFlags) register(fs *pflag.FlagSet) {
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

func logLevelFlag(fs *pflag.FlagSet) *string {
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

func (r *remoteFlags) register(cmd *cobra.Command, httpAddr, adminAddr string) {
	fs := cmd.Flags()
	fs.StringVar(&r.temporalAddress, "temporal-address", "127.0.0.1:7233", "Temporal frontend host:port")
	fs.StringVar(&r.namespace, "namespace", "default", "Temporal namespace")
	fs.StringVar(&r.tlsCert, "tls-cert", "", "client certificate (PEM) for mutual TLS to Temporal; needs --tls-key")
	fs.StringVar(&r.tlsKey, "tls-key", "", "client private key (PEM) for mutual TLS to Temporal")
	fs.StringVar(&r.tlsCA, "tls-ca", "", "CA certificates (PEM) that sign Temporal's certificate; default the system's")
	fs.StringVar(&r.tlsServerName, "tls-server-name", "", "name to verify in Temporal's certificate; default the address's host")
	fs.StringVar(&r.db, "db", "", "record store: a postgres:// URL or a SQLite file path")
	fs.StringVar(&r.httpAddr, "http-addr", httpAddr, "HTTP address (host:port)")
	r.adminAddr = adminAddrFlag(fs, adminAddr)
	r.logLevel = logLevelFlag(fs)
	required(cmd, "db")
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

// completeTemplates completes a built-in template's ID.
func completeTemplates(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	all, err := domain.Templates()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	ids := make([]cobra.Completion, len(all))
	for i, t := range all {
		ids[i] = cobra.CompletionWithDesc(t.ID, t.Title)
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

// fixed completes a flag with one of choices.
func fixed(cmd *cobra.Command, flag string, choices ...string) {
	if err := cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(choices, cobra.ShellCompDirectiveNoFileComp)); err != nil {
		panic(err) // no such flag: a mistake in this file's wiring
	}
}
