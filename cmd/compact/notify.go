package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"go.temporal.io/sdk/client"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/workflows"
)

// minLinkKey is the shortest --unsubscribe-key.
const minLinkKey = 32

// linkFlags say how the links in messages are made: the API's address as
// recipients reach it, and the key that signs unsubscribe and confirmation
// links. The worker signs them, the API checks them: both need the key.
type linkFlags struct {
	publicURL string
	key       string
}

func (l *linkFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&l.publicURL, "public-url", "", "the API's address as subscribers reach it (https://compact.example), "+
		"for the links in messages; default http:// and --http-addr, but on a worker")
	fs.StringVar(&l.key, "unsubscribe-key", "", fmt.Sprintf("secret of at least %d characters (e.g. openssl rand -hex 32) that signs the "+
		"unsubscribe and confirmation links in messages; workers and API processes need the same one", minLinkKey))
}

// secret is --unsubscribe-key, or with none the key kept in dataDir
// (created on first start) when there is a data dir, or else nil.
func (l *linkFlags) secret(dataDir string) ([]byte, error) {
	if l.key != "" {
		if len(l.key) < minLinkKey {
			return nil, fmt.Errorf("--unsubscribe-key: %d characters, want at least %d (e.g. openssl rand -hex 32)", len(l.key), minLinkKey)
		}
		return []byte(l.key), nil
	}
	if dataDir == "" {
		return nil, nil
	}
	// A link in a message sent today must work next year: the key
	// outlives restarts.
	path := filepath.Join(dataDir, "unsubscribe.key")
	key, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		raw := make([]byte, 32)
		rand.Read(raw) // never fails
		key = []byte(hex.EncodeToString(raw))
		err = os.WriteFile(path, key, 0o600)
	}
	if err != nil {
		return nil, fmt.Errorf("unsubscribe key: %w", err)
	}
	return key, nil
}

// apiOptions are the API's settings for links: with no key (an api process
// without --unsubscribe-key) the API signs with a key of its own, which
// it says.
func (l *linkFlags) apiOptions(p *process, secret []byte) (api.Links, error) {
	if err := checkPublicURL(l.publicURL); err != nil {
		return api.Links{}, err
	}
	if secret == nil {
		p.log.Warn("no --unsubscribe-key: confirmation links work until this process stops, and the unsubscribe links in messages from workers are refused")
	}
	return api.Links{PublicURL: strings.TrimSuffix(l.publicURL, "/"), Key: secret}, nil
}

// trialKeys are the keys deploy/compose.yaml gives when none is set, so
// that a bare `docker compose up` starts: anyone can read them.
var trialKeys = []string{
	"6c6f63616c2d737461636b2d6f6e6c792d6368616e67652d6d652d706c65617365", // session
	"6c6f63616c2d737461636b2d6f6e6c792d756e7375627363726962652d6b6579",   // unsubscribe
}

// refuseTrialKeys refuses a published trial key (flag name → value) on a
// server that others reach: one whose public URL is not this machine's.
func refuseTrialKeys(publicURL string, keys map[string]string) error {
	if u, err := url.Parse(publicURL); err == nil && (u.Hostname() == "localhost" || net.ParseIP(u.Hostname()).IsLoopback()) {
		return nil
	}
	for _, flag := range slices.Sorted(maps.Keys(keys)) {
		if slices.Contains(trialKeys, keys[flag]) {
			return fmt.Errorf("%s is the published trial key of deploy/compose.yaml, and --public-url %s is not this machine: "+
				"make your own (openssl rand -hex 32)", flag, publicURL)
		}
	}
	return nil
}

func checkPublicURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("--public-url %q: want an absolute http(s) URL", s)
	}
	return nil
}

// publicURLFor is the default --public-url of an API on addr.
func publicURLFor(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// sendFlags configure the senders of a worker: the mail server and
// webhooks.
type sendFlags struct {
	smtpAddr     string
	smtpStartTLS string
	smtpUsername string
	smtpPassword string
	smtpFrom     string
	smtpHello    string
	smtpCA       string
	allowPrivate bool
}

func (s *sendFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.smtpAddr, "smtp-addr", "", "mail submission server host:port; empty sends no email: each is recorded as skipped")
	fs.StringVar(&s.smtpStartTLS, "smtp-starttls", "required", "STARTTLS to the mail server: required, opportunistic or none (a relay on this host)")
	fs.StringVar(&s.smtpUsername, "smtp-username", "", "user for AUTH PLAIN to the mail server; empty: no authentication")
	fs.StringVar(&s.smtpPassword, "smtp-password", "", "password for AUTH PLAIN")
	fs.StringVar(&s.smtpFrom, "smtp-from", "", `sender of the messages, e.g. "Compact <noreply@compact.example>" (required with --smtp-addr)`)
	fs.StringVar(&s.smtpHello, "smtp-hello", "", "name to greet the mail server with (EHLO); default localhost")
	fs.StringVar(&s.smtpCA, "smtp-ca", "", "CA certificates (PEM) that sign the mail server's certificate; default the system's")
	fs.BoolVar(&s.allowPrivate, "webhook-allow-private", false, "let webhooks be registered at and reach loopback and private addresses "+
		"(a receiver inside the network); by default a registered URL cannot reach into it")
}

// senders are the channels' senders: email through --smtp-addr, whose
// messages link to links, or skipped without one; webhooks.
func (s *sendFlags) senders(links linkFlags, secret []byte) (notify.Senders, error) {
	hook := &notify.Webhook{}
	if s.allowPrivate {
		hook.Client = &http.Client{Timeout: 15 * time.Second}
	}
	senders := notify.Senders{notify.ChannelWebhook: hook,
		notify.ChannelEmail: notify.Skip{Reason: "no mail server is configured (--smtp-addr)"}}
	if s.smtpAddr == "" {
		return senders, nil
	}
	if _, _, err := net.SplitHostPort(s.smtpAddr); err != nil {
		return nil, fmt.Errorf("--smtp-addr %q: want host:port", s.smtpAddr)
	}
	from, err := mail.ParseAddress(s.smtpFrom)
	if err != nil {
		return nil, fmt.Errorf("--smtp-from %q: %v (required with --smtp-addr)", s.smtpFrom, err)
	}
	if err := checkPublicURL(links.publicURL); err != nil {
		return nil, fmt.Errorf("%w: messages link to it (required with --smtp-addr)", err)
	}
	if secret == nil {
		return nil, errors.New("--unsubscribe-key is required with --smtp-addr: it signs the messages' unsubscribe links")
	}
	mode, ok := map[string]notify.TLSMode{"required": notify.StartTLSRequired, "opportunistic": notify.StartTLSOpportunistic,
		"none": notify.StartTLSNone}[s.smtpStartTLS]
	if !ok {
		return nil, fmt.Errorf("--smtp-starttls %q: want required, opportunistic or none", s.smtpStartTLS)
	}
	email := &notify.Email{Addr: s.smtpAddr, TLS: mode, Username: s.smtpUsername, Password: s.smtpPassword, From: *from,
		Hello: s.smtpHello, Unsubscribe: notify.Unsubscribe{URL: strings.TrimSuffix(links.publicURL, "/") + "/v1/unsubscribe", Secret: secret}}
	if s.smtpCA != "" {
		pem, err := os.ReadFile(s.smtpCA)
		if err != nil {
			return nil, fmt.Errorf("--smtp-ca: %w", err)
		}
		email.TLSConfig = &tls.Config{RootCAs: x509.NewCertPool()}
		if !email.TLSConfig.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--smtp-ca: no PEM certificate in %s", s.smtpCA)
		}
	}
	senders[notify.ChannelEmail] = email
	return senders, nil
}

// startNotifications makes sure the outbox's clock runs: the digests and
// the sweep. Every worker does so; the first one starts it.
func (p *process) startNotifications(ctx context.Context, c client.Client) error {
	if err := workflows.StartNotifications(ctx, c, workflows.NotificationsInput{}); err != nil {
		return fmt.Errorf("start the notifications workflow: %w", err)
	}
	return nil
}
