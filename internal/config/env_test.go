package config

import (
	"testing"

	"github.com/spf13/pflag"
)

func TestEnvName(t *testing.T) {
	if got := EnvName("tls-server-name"); got != "COMPACT_TLS_SERVER_NAME" {
		t.Fatalf("EnvName = %q", got)
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{
		"COMPACT_HTTP_ADDR":     "127.0.0.1:9000",
		"COMPACT_NAMESPACE":     "from-env",
		"COMPACT_TEMPORAL_PORT": "7300",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	addr := fs.String("http-addr", "127.0.0.1:8080", "")
	ns := fs.String("namespace", "default", "")
	port := fs.Int("temporal-port", 7233, "")
	level := fs.String("log-level", "info", "")
	if err := fs.Parse([]string{"--namespace", "from-flag"}); err != nil {
		t.Fatal(err)
	}
	if err := FromEnv(fs, lookup); err != nil {
		t.Fatal(err)
	}
	if *addr != "127.0.0.1:9000" || *ns != "from-flag" || *port != 7300 || *level != "info" {
		t.Fatalf("got addr=%q ns=%q port=%d level=%q", *addr, *ns, *port, *level)
	}
}

func TestFromEnvBadValue(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.Int("temporal-port", 7233, "")
	lookup := func(string) (string, bool) { return "seven", true }
	if err := FromEnv(fs, lookup); err == nil {
		t.Fatal("want an error for a non-numeric COMPACT_TEMPORAL_PORT")
	}
}
