package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	l, err := newLogger(&buf, false, "info")
	if err != nil {
		t.Fatal(err)
	}
	l.Debug("hidden")
	l.Info("shown")
	Temporal(l).Info("from the sdk", "Namespace", "default")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines (debug filtered), got %q", buf.String())
	}
	var entry map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &entry); err != nil {
		t.Fatalf("not JSON: %v: %s", err, lines[1])
	}
	if entry["msg"] != "from the sdk" || entry["Namespace"] != "default" {
		t.Fatalf("sdk entry = %v", entry)
	}
	if caller, _ := entry["caller"].(string); !strings.HasPrefix(caller, "logging/logging_test.go") {
		t.Fatalf("caller = %q, want this test", caller)
	}
}

func TestConsoleOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	l, err := newLogger(&buf, true, "debug")
	if err != nil {
		t.Fatal(err)
	}
	l.Debug("hello")
	if out := buf.String(); strings.HasPrefix(out, "{") || !strings.Contains(out, "hello") {
		t.Fatalf("want a console line, got %q", out)
	}
}

func TestBadLevel(t *testing.T) {
	if _, err := newLogger(&bytes.Buffer{}, false, "loud"); err == nil {
		t.Fatal("want an error for an unknown level")
	}
}
