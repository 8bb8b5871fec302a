package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestECOSOCImport(t *testing.T) {
	clearOpsEnv(t)
	dir := t.TempDir()
	good := "Organization's name,Consultative status,ECOSOC accreditation year\nMigrants Forum,Special,2010\nDiaspora Network,Roster,1998\n"
	bad := "Organization's name,Consultative status,ECOSOC accreditation year\nMigrants Forum,Observer,2010\nDiaspora Network,Roster,later\n"
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	goodFile, badFile := write("good.csv", good), write("bad.csv", bad)

	var sent []string
	answer := `{"entries":2,"loadedAt":"2026-12-06T21:00:00Z","loadedBy":"PGA"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sent = append(sent, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+" "+r.Header.Get("Authorization")+"\n"+string(b))
		if answer == "" {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"type":"urn:compact:problem:forbidden","title":"Forbidden","status":403,"detail":"this is for the pga-office"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	server, token := "--server="+srv.URL, "--token=cpt_secret"

	// A malformed file is refused here, every bad line named, and not sent.
	var stdout, stderr bytes.Buffer
	if code := run([]string{"ecosoc", "import", badFile, server, token}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "2 lines of the list are malformed") ||
		!strings.Contains(stderr.String(), `/lines/2: status "Observer": want General, Special or Roster`) ||
		!strings.Contains(stderr.String(), `/lines/3: year "later"`) || len(sent) != 0 {
		t.Fatalf("a malformed file: %d %q %q %q", code, stdout.String(), stderr.String(), sent)
	}

	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"ecosoc", "import", goodFile, server, token}, &stdout, &stderr); code != 0 ||
		stdout.String() != "loaded 2 organisations in consultative status at 2026-12-06 21:00 UTC; claims are checked against them from now on\n" ||
		len(sent) != 1 || sent[0] != "PUT /v1/ecosoc-list text/csv; charset=utf-8 Bearer cpt_secret\n"+good {
		t.Fatalf("a good file: %d %q %q %q", code, stdout.String(), stderr.String(), sent)
	}

	answer = ""
	stderr.Reset()
	if code := run([]string{"ecosoc", "import", goodFile, server}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "this is for the pga-office") {
		t.Fatalf("refused: %d %q", code, stderr.String())
	}
	for _, args := range [][]string{{"ecosoc", "import"}, {"ecosoc", "import", filepath.Join(dir, "none.csv")}, {"ecosoc", "nope"}} {
		stderr.Reset()
		if code := run(args, &stdout, &stderr); code == 0 {
			t.Errorf("%q: exit 0", args)
		}
	}
}
