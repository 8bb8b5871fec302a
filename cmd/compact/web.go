package main

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/pflag"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/web"
)

func sessionKeyFlag(fs *pflag.FlagSet) *string {
	return fs.String("session-key", "", fmt.Sprintf("key that seals the web pages' session cookies, hex or base64, at least %d bytes; "+
		"replicas behind one address need the same one (default: random, so sessions end at restart)", web.MinSessionKey))
}

// sessionTimeoutFlags end web sessions: the API keeps them in the record
// store, so every replica ends them alike.
func sessionTimeoutFlags(fs *pflag.FlagSet) *api.SessionTimeouts {
	var t api.SessionTimeouts
	fs.DurationVar(&t.Idle, "session-idle", 30*time.Minute, "a web session ends after this long without a page view")
	fs.DurationVar(&t.Lifetime, "session-lifetime", 12*time.Hour, "a web session ends this long after sign-in, however busy")
	return &t
}

// pages builds the web pages over the API, sealing sessions with key.
func (p *process) pages(key string) (func(http.Handler) http.Handler, error) {
	secret, err := decodeKey(key)
	if err != nil {
		return nil, err
	}
	if secret == nil {
		p.log.Info("no --session-key: web sessions use a random key, so they end when this process does and work on this replica only")
	}
	log := p.log.Named("web")
	return func(api http.Handler) http.Handler {
		return web.New(web.Options{API: api, Logger: log, SessionKey: secret})
	}, nil
}

// decodeKey reads --session-key: hex, or base64 (standard or URL-safe,
// padded or not). Empty is nil.
func decodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err = enc.DecodeString(s); err == nil {
				break
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("--session-key: neither hex nor base64")
	}
	if len(b) < web.MinSessionKey {
		return nil, fmt.Errorf("--session-key: %d bytes, want at least %d (e.g. openssl rand -hex 32)", len(b), web.MinSessionKey)
	}
	return b, nil
}
