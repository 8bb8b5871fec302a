package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
)

// compact runs the command line and returns its exit code and output.
func compact(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestTokenBootstrap makes the first PGA-office token on an empty store,
// lists it and revokes it, as an operator would before the API has any.
func TestTokenBootstrap(t *testing.T) {
	db := filepath.Join(t.TempDir(), "compact.db")
	code, secret, stderr := compact("token", "create", "--role", "pga-office", "--party", "PGA", "--label", "bootstrap", "--db", db)
	secret = strings.TrimSpace(secret)
	if code != 0 || !strings.HasPrefix(secret, "cpt_") || !strings.Contains(stderr, "not shown again") {
		t.Fatalf("create = %d\nstdout: %s\nstderr: %s", code, secret, stderr)
	}

	// The API authenticates a token by its secret's hash: the store has it.
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(secret))
	tok, err := st.TokenByHash(context.Background(), hex.EncodeToString(sum[:]))
	st.Close()
	if err != nil || tok.Role != "pga-office" || tok.Party != "PGA" || tok.Label != "bootstrap" || !tok.RevokedAt.IsZero() {
		t.Fatalf("stored token %+v, %v", tok, err)
	}

	code, table, _ := compact("token", "list", "--db", db)
	if code != 0 || !strings.HasPrefix(table, "ID ") || !strings.Contains(table, tok.ID) || strings.Contains(table, secret) {
		t.Fatalf("list = %d\n%s", code, table)
	}
	if code, out, stderr := compact("token", "revoke", "--id", tok.ID, "--db", db); code != 0 || !strings.Contains(out, "revoked "+tok.ID) {
		t.Fatalf("revoke = %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	code, out, _ := compact("token", "list", "--json", "--db", db)
	var listed []store.Token
	if err := json.Unmarshal([]byte(out), &listed); code != 0 || err != nil || len(listed) != 1 ||
		listed[0].ID != tok.ID || listed[0].RevokedAt.IsZero() || strings.Contains(out, "hash") {
		t.Fatalf("list --json = %d %v\n%s", code, err, out)
	}

	// Without --db it finds the store serve keeps in its --data-dir.
	if code, table, stderr := compact("token", "list", "--data-dir", filepath.Dir(db)); code != 0 || !strings.Contains(table, tok.ID) {
		t.Fatalf("list --data-dir = %d\n%s%s", code, table, stderr)
	}
}

func TestTokenMisuse(t *testing.T) {
	db := filepath.Join(t.TempDir(), "compact.db")
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"token"}, 2, "Usage: compact token"},
		{[]string{"token", "mint"}, 2, `unknown command "mint"`},
		{[]string{"token", "create", "--role", "pga-office", "--party", "PGA", "--data-dir", t.TempDir()}, 2, "no record store at"},
		{[]string{"token", "create", "--role", "observer", "--party", "PGA", "--db", db}, 2, `role "observer"`},
		{[]string{"token", "create", "--role", "member-state", "--party", "XXX", "--db", db}, 2, "not a Member State"},
		{[]string{"token", "create", "--role", "co-facilitator", "--party", "IRL", "--process", "gcm-2018", "--db", db}, 1, "not found"},
		{[]string{"token", "create", "--role", "stakeholder", "--party", "Org\u202Egro", "--db", db}, 2, "party: holds the invisible or reordering character U+202E"},
		{[]string{"token", "create", "--role", "stakeholder", "--party", "  ", "--db", db}, 2, "party: want 1 to 300 characters"},
		{[]string{"token", "revoke", "--db", db}, 2, "give one token ID"},
		{[]string{"token", "rotate", "--db", db}, 2, "give one token ID"},
		{[]string{"token", "rotate", "tok_none", "--grace", "1h", "--db", db}, 1, "no token"},
		{[]string{"token", "create", "--role", "pga-office", "--party", "PGA", "--expires", "400d", "--db", db}, 2, "at most 366d"},
		{[]string{"token", "create", "--role", "pga-office", "--party", "PGA", "--expires", "9999999999999d", "--db", db}, 2, "at most 366d"},
		{[]string{"token", "create", "--role", "pga-office", "--party", "PGA", "--expires", "-1h", "--db", db}, 2, "not in the future"},
		{[]string{"token", "create", "--role", "pga-office", "--party", "PGA", "--expires", "soon", "--db", db}, 2, "want days such as 90d"},
		{[]string{"token", "revoke", "--id", "tok_none", "--db", db}, 1, "no token"},
		{[]string{"token", "list", "extra", "--db", db}, 2, "unexpected argument"},
	} {
		code, _, stderr := compact(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("compact %q = %d, want %d\nstderr: %s", tc.args, code, tc.code, stderr)
		}
	}
	if code, out, _ := compact("token", "list", "--json", "--db", db); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("refused commands made tokens: %s", out)
	}
}

// TestTokenRotate makes a token that expires in 30 days, rotates it with an
// hour's grace, and finds both secrets taken by the store until then, the
// new one with a fresh 30 days.
func TestTokenRotate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "compact.db")
	code, old, stderr := compact("token", "create", "--role", "member-state", "--party", "CHL", "--expires", "30d", "--db", db)
	old = strings.TrimSpace(old)
	if code != 0 || !strings.Contains(stderr, "expiring at") {
		t.Fatalf("create = %d\nstderr: %s", code, stderr)
	}
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	byHash := func(secret string) (store.Token, error) {
		sum := sha256.Sum256([]byte(secret))
		return st.TokenByHash(context.Background(), hex.EncodeToString(sum[:]))
	}
	tok, err := byHash(old)
	if err != nil || tok.ExpiresAt.Sub(tok.CreatedAt) != 30*24*time.Hour {
		t.Fatalf("stored token %+v, %v; want it to expire in 30 days", tok, err)
	}

	code, secret, stderr := compact("token", "rotate", tok.ID, "--grace", "1h", "--db", db)
	secret = strings.TrimSpace(secret)
	if code != 0 || !strings.HasPrefix(secret, "cpt_") || secret == old || !strings.Contains(stderr, "the old secret works until") {
		t.Fatalf("rotate = %d\nstdout: %s\nstderr: %s", code, secret, stderr)
	}
	rotated, err := byHash(secret)
	if err != nil || rotated.ID != tok.ID || rotated.ExpiresAt.Sub(rotated.RotatedAt) != 30*24*time.Hour ||
		rotated.PreviousUntil.Sub(rotated.RotatedAt) != time.Hour {
		t.Fatalf("rotated token %+v, %v; want 30 fresh days and an hour's grace", rotated, err)
	}
	if still, err := byHash(old); err != nil || still.ID != tok.ID {
		t.Fatalf("the old secret during its grace: %+v, %v", still, err)
	}
	code, table, _ := compact("token", "list", "--db", db)
	if code != 0 || !strings.Contains(table, "OLD SECRET UNTIL") || !strings.Contains(table, rotated.PreviousUntil.Format(time.RFC3339)) {
		t.Fatalf("list = %d\n%s", code, table)
	}

	// After a leak: no grace, the replaced secret is gone at once.
	if code, _, stderr := compact("token", "rotate", tok.ID, "--db", db); code != 0 || !strings.Contains(stderr, "refused from now on") {
		t.Fatalf("rotate without grace = %d\n%s", code, stderr)
	}
	if _, err := byHash(secret); err == nil {
		t.Fatal("the secret replaced without grace is still taken")
	}
	if code, _, stderr := compact("token", "rotate", tok.ID, "--grace", "721h", "--db", db); code != 1 || !strings.Contains(stderr, "30 days") {
		t.Fatalf("rotate with 31 days' grace = %d\n%s", code, stderr)
	}
	if code, out, _ := compact("token", "revoke", tok.ID, "--db", db); code != 0 || !strings.Contains(out, "revoked "+tok.ID) {
		t.Fatalf("revoke ID = %d %s", code, out)
	}
	if code, _, stderr := compact("token", "rotate", tok.ID, "--grace", "1h", "--db", db); code != 1 || !strings.Contains(stderr, "was revoked") {
		t.Fatalf("rotate a revoked token = %d\n%s", code, stderr)
	}
}
