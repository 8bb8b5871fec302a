package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSilenceBreak(t *testing.T) {
	clearOpsEnv(t)
	dir := t.TempDir()
	letter, proposal := filepath.Join(dir, "letter.txt"), filepath.Join(dir, "proposal.txt")
	for path, text := range map[string]string{letter: "Mexico breaks the silence.\n", proposal: "Delete paragraph 4.\n"} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	srv, seen := fakeAPI(t, map[string]canned{
		"POST /v1/processes/gcm-2027/stages/silence/silence/break": {200, `{"state":"MEX","at":"2027-01-27T15:04:05Z",` +
			`"letterSha256":"ab12","proposalSha256":"cd34"}` + "\n"},
		"POST /v1/processes/gcm-2027/stages/late/silence/break": {409, `{"type":"urn:compact:problem:conflict","title":"Conflict",` +
			`"status":409,"detail":"HUN broke the silence at 2027-01-27 10:00 UTC (2027-01-27T10:00:00Z) already"}` + "\n"},
	})
	server, token := "--server="+srv.URL, "--token=cpt_secret"

	var out, errOut bytes.Buffer
	if code := run([]string{"silence", "break", "gcm-2027", "silence", server, token, "--letter", letter, "--proposal", proposal}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want := "silence broken by  MEX\nat                 2027-01-27T15:04:05Z\nletter sha256      ab12\nproposal sha256    cd34\n"
	if out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), want)
	}
	if r := (*seen)[0]; r.auth != "Bearer cpt_secret" || !reflect.DeepEqual(r.body,
		map[string]any{"letter": "Mexico breaks the silence.\n", "proposal": "Delete paragraph 4.\n"}) {
		t.Errorf("request: %+v", r)
	}

	errOut.Reset()
	if code := run([]string{"silence", "break", "gcm-2027", "late", server, token, "--letter", letter}, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "compact silence break: HUN broke the silence at 2027-01-27 10:00 UTC (2027-01-27T10:00:00Z) already (409 Conflict)") {
		t.Errorf("a late break: exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"silence", "break", "gcm-2027", "late", server, token}, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), `required flag(s) "letter" not set`) {
		t.Errorf("no letter: exit %d, stderr %q", code, errOut.String())
	}
	if len(*seen) != 2 {
		t.Errorf("%d requests, want 2: the misuse sends none", len(*seen))
	}
}
