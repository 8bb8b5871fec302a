package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestRunUsage(t *testing.T) {
	for _, tc := range []struct {
		args        []string
		code        int
		out, errOut string
	}{
		{args: nil, code: 2, errOut: "Usage: compact <command>"},
		{args: []string{"frobnicate"}, code: 2, errOut: `unknown command "frobnicate"`},
		{args: []string{"help"}, code: 0, out: "Commands:"},
		{args: []string{"serve", "-h"}, code: 0, out: "--http-addr [COMPACT_HTTP_ADDR]"},
		{args: []string{"worker", "--no-such-flag"}, code: 2, errOut: "unknown flag: --no-such-flag"},
		{args: []string{"api", "extra"}, code: 2, errOut: `unexpected argument "extra"`},
		{args: []string{"version"}, code: 0, out: "compact dev\ngo go1."},
	} {
		var out, errOut bytes.Buffer
		code := run(tc.args, &out, &errOut)
		if code != tc.code || !strings.Contains(out.String(), tc.out) || !strings.Contains(errOut.String(), tc.errOut) {
			t.Errorf("compact %v = %d\nstdout: %s\nstderr: %s", tc.args, code, out.String(), errOut.String())
		}
	}
}

func TestEnvironmentTwinIsValidated(t *testing.T) {
	t.Setenv("COMPACT_TEMPORAL_PORT", "seven")
	var errOut bytes.Buffer
	if code := run([]string{"temporal"}, &bytes.Buffer{}, &errOut); code != 2 || !strings.Contains(errOut.String(), "COMPACT_TEMPORAL_PORT") {
		t.Fatalf("code %d, stderr %s", code, errOut.String())
	}
}

func TestTLSConfig(t *testing.T) {
	if conf, err := (&remoteFlags{}).tlsConfig(); conf != nil || err != nil {
		t.Fatalf("no TLS flags: %v, %v; want plain gRPC", conf, err)
	}
	conf, err := (&remoteFlags{tlsServerName: "temporal.internal"}).tlsConfig()
	if err != nil || conf.ServerName != "temporal.internal" {
		t.Fatalf("server name only: %+v, %v", conf, err)
	}
	if _, err := (&remoteFlags{tlsCert: "c.pem"}).tlsConfig(); err == nil {
		t.Fatal("--tls-cert without --tls-key accepted")
	}
	if _, err := (&remoteFlags{tlsCA: "/nonexistent/ca.pem"}).tlsConfig(); err == nil {
		t.Fatal("a missing CA file accepted")
	}
}

func TestLimitFlags(t *testing.T) {
	lim, err := (&limitFlags{trustedProxies: "10.0.0.0/8, 127.0.0.1/32", rates: "stakeholder.writes=5/s"}).limits()
	if err != nil || len(lim.TrustedProxies) != 2 || lim.Rates["stakeholder.writes"].PerSecond != 5 || lim.NoRateLimits {
		t.Fatalf("limits = %+v, %v", lim, err)
	}
	if lim, err := (&limitFlags{rates: "off"}).limits(); err != nil || !lim.NoRateLimits {
		t.Fatalf("off: %+v, %v", lim, err)
	}
	for _, bad := range []limitFlags{{trustedProxies: "10.0.0.0"}, {rates: "everyone=1/s"}} {
		if _, err := bad.limits(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestTrialKeysAreRefusedOnAServer checks the keys compose.yaml publishes:
// the binary knows each, and refuses it where the public URL is not local.
func TestTrialKeysAreRefusedOnAServer(t *testing.T) {
	compose, err := os.ReadFile("../../deploy/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defaults := regexp.MustCompile(`\$\{COMPACT_(SESSION|UNSUBSCRIBE)_KEY:-([^}]*)\}`).FindAllStringSubmatch(string(compose), -1)
	if len(defaults) == 0 {
		t.Fatal("no default key in compose.yaml: update this test")
	}
	for _, d := range defaults {
		flag := "--" + strings.ToLower(d[1]) + "-key"
		if err := refuseTrialKeys("https://compact.example.org", map[string]string{flag: d[2]}); err == nil || !strings.Contains(err.Error(), flag) {
			t.Errorf("COMPACT_%s_KEY's default on a public server: %v", d[1], err)
		}
		if err := refuseTrialKeys("http://localhost:8080", map[string]string{flag: d[2]}); err != nil {
			t.Errorf("COMPACT_%s_KEY's default on a local trial: %v", d[1], err)
		}
	}
	if err := refuseTrialKeys("https://compact.example.org", map[string]string{"--session-key": strings.Repeat("ab", 32)}); err != nil {
		t.Errorf("a key of one's own: %v", err)
	}
}
