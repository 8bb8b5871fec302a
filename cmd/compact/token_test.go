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
		{[]string{"token", "revoke", "--db", db}, 2, "--id is required"},
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
