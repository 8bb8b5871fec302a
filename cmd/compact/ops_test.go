package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	domain "github.com/compact-un/compact/process"
)

// canned is one answer of the fake API.
type canned struct {
	status int
	body   string
}

// seenRequest is a request the fake API received.
type seenRequest struct {
	method, path, auth, contentType string
	body                            map[string]any // nil without a body
}

// fakeAPI serves canned answers by "METHOD path" and records each request.
func fakeAPI(t *testing.T, routes map[string]canned) (*httptest.Server, *[]seenRequest) {
	t.Helper()
	var seen []seenRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := seenRequest{method: r.Method, path: r.URL.EscapedPath(), auth: r.Header.Get("Authorization"),
			contentType: r.Header.Get("Content-Type")}
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			if err := json.Unmarshal(b, &req.body); err != nil {
				t.Errorf("%s %s: body %q is not a JSON object: %v", r.Method, r.URL.Path, b, err)
			}
		}
		seen = append(seen, req)
		c, ok := routes[r.Method+" "+req.path]
		if !ok {
			c = canned{404, `{"type":"urn:compact:problem:not-found","title":"Not Found","status":404,"detail":"no such route"}`}
		}
		if c.status >= 400 {
			w.Header().Set("Content-Type", "application/problem+json")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(c.status)
		_, _ = io.WriteString(w, c.body)
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

// clearOpsEnv keeps the environment's twins out of the tests.
func clearOpsEnv(t *testing.T) {
	for _, k := range []string{"COMPACT_SERVER", "COMPACT_TOKEN", "COMPACT_JSON"} {
		if v, ok := os.LookupEnv(k); ok {
			t.Setenv(k, v) // restored after the test
			_ = os.Unsetenv(k)
		}
	}
}

const (
	statusBody = `{"id":"gcm-2027","templateId":"gcm-2018","title":"Global Compact for Migration","code":"GCM",` +
		`"phase":"consultations","status":"running","createdAt":"2026-11-27T03:00:00Z",` +
		`"current":["ts1"],"next":{"stageId":"ts2","title":"Thematic session 2","start":"2027-02-20"},` +
		`"openWindows":[{"stageId":"ts1","code":"TS1","opensAt":"2027-01-11T09:00:00Z","closesAt":"2027-01-25T17:00:00Z","timeZone":"America/New_York"}],` +
		`"counts":{"running":1,"scheduled":9,"completed":2}}` + "\n"
	stagesBody = `[{"processId":"gcm-2027","phase":"consultations","seq":1,"spec":{"id":"ts1","kind":"thematic-session",` +
		`"title":"Thematic session 1","place":"New York","start":"2027-01-11","end":"2027-01-12"},"status":"completed","moved":false},` +
		`{"processId":"gcm-2027","phase":"consultations","seq":2,"spec":{"id":"ts2","kind":"thematic-session",` +
		`"title":"Thematic session 2","start":"2027-02-20"},"status":"scheduled","moved":true},` +
		`{"processId":"gcm-2027","phase":"consultations","seq":3,"spec":{"id":"hearing","kind":"hearing",` +
		`"title":"Hearing added at run time","start":"2027-02-01"},"status":"scheduled","moved":false}]` + "\n"
	stageBody = `{"processId":"gcm-2027","phase":"consultations","seq":2,"spec":{"id":"ts2","kind":"thematic-session",` +
		`"title":"Thematic session 2","place":"Geneva","start":"2027-03-01","end":"2027-03-02"},"status":"scheduled","moved":true}` + "\n"
	movedBody = `{"processId":"gcm-2027","phase":"consultations","seq":2,"spec":{"id":"ts2","kind":"thematic-session",` +
		`"title":"Thematic session 2","place":"Vienna","timeZone":"Europe/Vienna","start":"2027-03-08","end":"2027-03-09",` +
		`"window":{"opens":"2027-01-31T23:00:00Z","closes":"2027-03-07T23:00:00Z"}},"status":"running","moved":true}` + "\n"
	movedOut = "SEQ  START       END         STAGE  KIND              STATUS   MOVED  PLACE\n" +
		"2    2027-03-08  2027-03-09  ts2    thematic-session  running  yes    Vienna\n" +
		"window opens 2027-02-01 00:00 Europe/Vienna (2027-01-31T23:00:00Z), closes 2027-03-07 24:00 Europe/Vienna (2027-03-07T23:00:00Z)\n"
	// clashBody is movedBody with another process's meeting in Vienna on the same days.
	clashBody = `{"processId":"gcm-2027","phase":"consultations","seq":2,"spec":{"id":"ts2","kind":"thematic-session",` +
		`"title":"Thematic session 2","place":"Vienna","timeZone":"Europe/Vienna","start":"2027-03-08","end":"2027-03-09",` +
		`"window":{"opens":"2027-01-31T23:00:00Z","closes":"2027-03-07T23:00:00Z"}},"status":"running","moved":true` + `,"clashes":[{"processId":"imrf-2026","stageId":"round2","title":"Second round",` +
		`"place":"Vienna","start":"2027-03-09T00:00:00Z","finish":"2027-03-11T00:00:00Z","sameVenue":true,"coFacilitators":["ESP"]}]}` + "\n"
	// dryBody is a dry run's answer: a revision moved into the round it follows.
	dryBody = `{"processId":"gcm-2027","phase":"negotiations","seq":9,"spec":{"id":"rev1","kind":"draft","title":"Revision 1",` +
		`"start":"2027-03-13"},"status":"scheduled","moved":false,"dryRun":true,"sequence":[{"kind":"follows","stageId":"rev1",` +
		`"start":"2027-03-13","other":"round2","otherTitle":"Second round","otherKind":"negotiation-round","otherEnd":"2027-03-15",` +
		`"detail":"rev1 (draft) would begin 2027-03-13, before round2 (negotiation-round), which it follows, ends 2027-03-15"}]}` + "\n"
	conflictBody = `{"type":"urn:compact:problem:conflict","title":"Conflict","status":409,` +
		`"detail":"stage ts2 has not started: its window cannot close now"}` + "\n"
)

func TestOpsCommands(t *testing.T) {
	clearOpsEnv(t)
	dir := t.TempDir()
	draftFile := filepath.Join(dir, "draft.txt")
	if err := os.WriteFile(draftFile, []byte("We, the Heads of State,\r\nmeeting in Marrakech,\n\n\n  Reaffirm the Charter.  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	templateFile := filepath.Join(dir, "t.json")
	if err := os.WriteFile(templateFile, []byte(`{"id":"mini","phases":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	// The file's template goes as the API reads it: every field of a Template.
	var sentTemplate map[string]any
	if b, err := json.Marshal(domain.Template{ID: "mini", Phases: []domain.Phase{}}); err != nil || json.Unmarshal(b, &sentTemplate) != nil {
		t.Fatal(err)
	}
	srv, seen := fakeAPI(t, map[string]canned{
		"POST /v1/processes": {201, `{"id":"gcm-2027","templateId":"gcm-2018","title":"Global Compact for Migration",` +
			`"code":"GCM27","phase":"consultations","status":"starting","createdAt":"2026-11-27T03:00:00Z"}` + "\n"},
		"GET /v1/processes/gcm-2027":                        {200, statusBody},
		"GET /v1/processes/gcm-2027/stages":                 {200, stagesBody},
		"POST /v1/processes/gcm-2027/stages/ts2/reschedule": {200, stageBody},
		"POST /v1/processes/gcm-2027/stages/ts1/window":     {200, `{"stageId":"ts1","closes":"2027-02-01T17:00:00Z","timeZone":"Europe/Zurich"}` + "\n"},
		"POST /v1/processes/gcm-2027/stages/ts5/window":     {200, `{"stageId":"ts5","closes":"2027-03-01T23:00:00Z","timeZone":"Europe/Zurich"}` + "\n"},
		"POST /v1/processes/gcm-2027/stages/ts2/move":       {200, movedBody},
		"POST /v1/processes/gcm-2027/stages/ts2/extend":     {200, movedBody},
		"POST /v1/processes/gcm-2027/stages/rev1/move":      {200, dryBody},
		"POST /v1/processes/gcm-2027/stages/ts2/venue":      {200, clashBody},
		"POST /v1/processes/gcm-2027/stages/ts2/cancel": {400, `{"type":"urn:compact:problem:invalid","title":"Bad Request","status":400,` +
			`"detail":"reason is required: a cancellation is shown, with why, on the public list of schedule changes"}` + "\n"},
		"POST /v1/processes/gcm-2027/stages":            {201, movedBody},
		"POST /v1/processes/gcm-2027/stages/ts2/window": {409, conflictBody},
		"POST /v1/processes/gcm-2027/stages/ts4/window": {409, `{"type":"urn:compact:problem:conflict","title":"Conflict","status":409,` +
			`"detail":"stage ts4's window has taken contributions since 2027-02-01T09:00:00Z: it can no longer change"}` + "\n"},
		"POST /v1/processes/gcm-2027/stages/ts3/window": {200, `{"stageId":"ts3","opens":"2027-03-01T09:00:00Z","closes":"2027-03-20T17:00:00Z"}` + "\n"},
		"POST /v1/processes/gcm-2027/stages/zero-draft/drafts": {201, `{"processId":"gcm-2027","stageId":"zero-draft","name":"draft",` +
			`"revision":0,"symbol":"A/CONF.231/Z","title":"Zero draft","kind":"draft","sha256":"ab12","issuedAt":"2027-02-05T00:00:00Z",` +
			`"paragraphCount":2,"published":true,"publishedSeq":42}` + "\n"},
	})
	server, token := "--server="+srv.URL, "--token=cpt_secret"
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		method string
		path   string
		auth   string
		body   map[string]any
		out    string // the whole of stdout
		errOut string // within stderr
	}{{
		name: "process create",
		args: []string{"process", "create", server, token, "--template", "gcm-2018", "--id", "gcm-2027",
			"--code", "GCM27", "--starts-on", "2027-01-11", "--scale", "86400"},
		method: "POST", path: "/v1/processes", auth: "Bearer cpt_secret",
		body: map[string]any{"template": "gcm-2018", "id": "gcm-2027", "code": "GCM27", "startsOn": "2027-01-11", "scale": 86400.0},
		out: "created   gcm-2027\ntemplate  gcm-2018\ntitle     Global Compact for Migration\ncode      GCM27\n" +
			"phase     consultations\nstatus    starting\n",
	}, {
		name:   "process create from a file",
		args:   []string{"process", "create", server, token, "--template-file", templateFile, "--json"},
		method: "POST", path: "/v1/processes", auth: "Bearer cpt_secret",
		body: map[string]any{"templateBody": sentTemplate},
		out: `{"id":"gcm-2027","templateId":"gcm-2018","title":"Global Compact for Migration",` +
			`"code":"GCM27","phase":"consultations","status":"starting","createdAt":"2026-11-27T03:00:00Z"}` + "\n",
	}, {
		name:   "process status",
		args:   []string{"process", "status", "gcm-2027", server},
		method: "GET", path: "/v1/processes/gcm-2027",
		out: "process  gcm-2027\ntitle    Global Compact for Migration\ncode     GCM\nphase    consultations\n" +
			"status   running\ncurrent  ts1\nnext     ts2 on 2027-02-20: Thematic session 2\n" +
			"stages   completed 2, running 1, scheduled 9\n\n" +
			"OPEN WINDOW  CODE  OPENS                                                     CLOSES\n" +
			"ts1          TS1   2027-01-11 04:00 America/New_York (2027-01-11T09:00:00Z)  2027-01-25 12:00 America/New_York (2027-01-25T17:00:00Z)\n",
	}, {
		name:   "process status --json",
		args:   []string{"process", "status", "--json", server, "gcm-2027"},
		method: "GET", path: "/v1/processes/gcm-2027",
		out: statusBody,
	}, {
		name:   "process timeline",
		args:   []string{"process", "timeline", "gcm-2027", server, token},
		method: "GET", path: "/v1/processes/gcm-2027/stages", auth: "Bearer cpt_secret",
		out: "SEQ  START       END         STAGE    KIND              STATUS     MOVED  PLACE\n" +
			"1    2027-01-11  2027-01-12  ts1      thematic-session  completed  no     New York\n" +
			"3    2027-02-01  -           hearing  hearing           scheduled  no     -\n" +
			"2    2027-02-20  -           ts2      thematic-session  scheduled  yes    -\n",
	}, {
		name: "stage reschedule",
		args: []string{"stage", "reschedule", "gcm-2027", "ts2", server, token,
			"--start", "2027-03-01", "--end", "2027-03-02", "--reason", "venue",
			"--override-rule", "A/RES/71/280:phases", "--override-reason", "the hall is taken"},
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts2/reschedule", auth: "Bearer cpt_secret",
		body: map[string]any{"start": "2027-03-01", "end": "2027-03-02", "reason": "venue",
			"override": map[string]any{"rule": "A/RES/71/280:phases", "reason": "the hall is taken"}},
		out: "SEQ  START       END         STAGE  KIND              STATUS     MOVED  PLACE\n" +
			"2    2027-03-01  2027-03-02  ts2    thematic-session  scheduled  yes    Geneva\n",
	}, {
		name:   "window extend",
		args:   []string{"window", "extend", "gcm-2027", "ts1", server, token, "--closes", "2027-02-01T17:00:00Z"},
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts1/window", auth: "Bearer cpt_secret",
		body: map[string]any{"closes": "2027-02-01T17:00:00Z"},
		out:  "stage ts1: window closes 2027-02-01 18:00 Europe/Zurich (2027-02-01T17:00:00Z)\n",
	}, {
		name:   "window open later",
		args:   []string{"window", "open", "gcm-2027", "ts3", server, token, "--at", "2027-03-01T09:00:00Z", "--reason", "venue"},
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts3/window", auth: "Bearer cpt_secret",
		body: map[string]any{"opens": "2027-03-01T09:00:00Z", "reason": "venue"},
		out:  "stage ts3: window opens 2027-03-01 09:00 UTC (2027-03-01T09:00:00Z), closes 2027-03-20 17:00 UTC (2027-03-20T17:00:00Z)\n",
	}, {
		name:   "window extend to a day's end",
		args:   []string{"window", "extend", "gcm-2027", "ts5", server, token, "--closes", "2027-03-01"},
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts5/window", auth: "Bearer cpt_secret",
		body: map[string]any{"closes": "2027-03-01"},
		out:  "stage ts5: window closes 2027-03-01 24:00 Europe/Zurich (2027-03-01T23:00:00Z)\n",
	}, {
		name:   "stage move",
		args:   []string{"stage", "move", "gcm-2027", "ts2", server, token, "--start", "2027-03-08", "--reason", "postponed"},
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts2/move", auth: "Bearer cpt_secret",
		body: map[string]any{"start": "2027-03-08", "reason": "postponed"},
		out:  movedOut,
	}, {
		name: "stage move against a rule, set aside",
		args: []string{"stage", "move", "gcm-2027", "ts2", server, token, "--start", "2027-03-08", "--reason", "postponed",
			"--override-rule", "A/RES/71/280:phases", "--override-reason", "agreed orally"},
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts2/move", auth: "Bearer cpt_secret",
		body: map[string]any{"start": "2027-03-08", "reason": "postponed",
			"override": map[string]any{"rule": "A/RES/71/280:phases", "reason": "agreed orally"}},
		out: movedOut,
	}, {
		name:   "stage move, a dry run out of order",
		args:   []string{"stage", "move", "gcm-2027", "rev1", server, token, "--start", "2027-03-13", "--reason", "ready", "--dry-run"},
		method: "POST", path: "/v1/processes/gcm-2027/stages/rev1/move", auth: "Bearer cpt_secret",
		body: map[string]any{"start": "2027-03-13", "reason": "ready", "dryRun": true},
		out: "dry run: nothing changed; the stage would stand as\n" +
			"SEQ  START       END  STAGE  KIND   STATUS     MOVED  PLACE\n" +
			"9    2027-03-13  -    rev1   draft  scheduled  no     -\n",
		errOut: "warning: out of order: rev1 (draft) would begin 2027-03-13, before round2 (negotiation-round), which it follows, ends 2027-03-15",
	}, {
		name:   "stage extend",
		args:   []string{"stage", "extend", "gcm-2027", "ts2", server, token, "--days", "1", "--reason", "more panels"},
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts2/extend", auth: "Bearer cpt_secret",
		body: map[string]any{"days": 1.0, "reason": "more panels"},
		out:  movedOut,
	}, {
		name:   "stage venue",
		args:   []string{"stage", "venue", "gcm-2027", "ts2", server, token, "--place", "Vienna", "--tz", "Europe/Vienna", "--reason", "host"},
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts2/venue", auth: "Bearer cpt_secret",
		body:   map[string]any{"place": "Vienna", "timeZone": "Europe/Vienna", "reason": "host"},
		out:    movedOut,
		errOut: `warning: overlaps round2 "Second round" of imrf-2026, 2027-03-09 to 2027-03-10: also in Vienna; same co-facilitators (ESP)`,
	}, {
		name:   "stage cancel refused",
		args:   []string{"stage", "cancel", "gcm-2027", "ts2", server, token, "--reason", " x"},
		code:   1,
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts2/cancel", auth: "Bearer cpt_secret",
		body:   map[string]any{"reason": " x"},
		errOut: "compact stage cancel: reason is required",
	}, {
		name: "stage add",
		args: []string{"stage", "add", "gcm-2027", server, token, "--phase", "consultations", "--stage", "ts2", "--kind", "thematic-session",
			"--title", "Thematic session 2", "--code", "TS2", "--place", "Vienna", "--tz", "Europe/Vienna",
			"--start", "2027-03-08", "--opens", "2027-02-01", "--closes", "2027-03-07", "--reason", "demand"},
		method: "POST", path: "/v1/processes/gcm-2027/stages", auth: "Bearer cpt_secret",
		body: map[string]any{"phase": "consultations", "reason": "demand", "stage": map[string]any{
			"id": "ts2", "kind": "thematic-session", "code": "TS2", "title": "Thematic session 2", "place": "Vienna",
			"timeZone": "Europe/Vienna", "start": "2027-03-08",
			"window": map[string]any{"opens": "2027-01-31T23:00:00Z", "closes": "2027-03-07T23:00:00Z"}}},
		out: movedOut,
	}, {
		name:   "window open now refused",
		args:   []string{"window", "open", "gcm-2027", "ts4", server, token},
		code:   1,
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts4/window", auth: "Bearer cpt_secret",
		body:   map[string]any{"open": true},
		errOut: "compact window open: stage ts4's window has taken contributions since 2027-02-01T09:00:00Z: it can no longer change (409 Conflict)",
	}, {
		name:   "window close refused",
		args:   []string{"window", "close", "gcm-2027", "ts2", server, token, "--reason", "early"},
		code:   1,
		method: "POST", path: "/v1/processes/gcm-2027/stages/ts2/window", auth: "Bearer cpt_secret",
		body:   map[string]any{"close": true, "reason": "early"},
		errOut: "compact window close: stage ts2 has not started: its window cannot close now (409 Conflict)",
	}, {
		name: "draft publish",
		args: []string{"draft", "publish", "gcm-2027", "zero-draft", server, token, "--revision", "0",
			"--file", draftFile, "--title", "Zero draft", "--override-rule", "A/RES/71/280:drafts", "--override-reason", "early, as agreed"},
		method: "POST", path: "/v1/processes/gcm-2027/stages/zero-draft/drafts", auth: "Bearer cpt_secret",
		body: map[string]any{"revision": 0.0, "title": "Zero draft",
			"paragraphs": []any{"We, the Heads of State, meeting in Marrakech,", "Reaffirm the Charter."},
			"override":   map[string]any{"rule": "A/RES/71/280:drafts", "reason": "early, as agreed"}},
		out: "published   draft revision 0\nstage       zero-draft\nsymbol      A/CONF.231/Z\ntitle       Zero draft\n" +
			"paragraphs  2\nsha256      ab12\nrecord seq  42\n",
	}, {
		name: "unknown process", args: []string{"process", "status", "nope", server}, code: 1,
		method: "GET", path: "/v1/processes/nope", errOut: "compact process status: no such route (404 Not Found)",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			*seen = nil
			var out, errOut bytes.Buffer
			code := run(tc.args, &out, &errOut)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errOut.String())
			}
			if tc.code == 0 && out.String() != tc.out {
				t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), tc.out)
			}
			if !strings.Contains(errOut.String(), tc.errOut) {
				t.Errorf("stderr %q does not hold %q", errOut.String(), tc.errOut)
			}
			if len(*seen) != 1 {
				t.Fatalf("%d requests, want 1: %+v", len(*seen), *seen)
			}
			r := (*seen)[0]
			if r.method != tc.method || r.path != tc.path || r.auth != tc.auth {
				t.Errorf("request %s %s auth %q, want %s %s auth %q", r.method, r.path, r.auth, tc.method, tc.path, tc.auth)
			}
			if !reflect.DeepEqual(r.body, tc.body) {
				t.Errorf("body %v, want %v", r.body, tc.body)
			}
			if tc.body != nil && r.contentType != "application/json" {
				t.Errorf("Content-Type %q", r.contentType)
			}
		})
	}
}

func TestOpsMisuse(t *testing.T) {
	clearOpsEnv(t)
	srv, seen := fakeAPI(t, nil)
	server := "--server=" + srv.URL
	for _, tc := range []struct {
		args   []string
		code   int
		errOut string
	}{
		{[]string{"process"}, 2, "Usage: compact process <command>"},
		{[]string{"process", "frob"}, 2, `unknown command "frob"`},
		{[]string{"process", "status", server}, 2, "compact process status: missing ID"},
		{[]string{"process", "status", "a", "b", server}, 2, `unexpected argument "b"`},
		{[]string{"process", "create", server}, 2, "[template template-file] is required"},
		{[]string{"process", "create", server, "--template", "x", "--starts-on", "11/01/2027"}, 2, "want YYYY-MM-DD"},
		{[]string{"stage", "reschedule", "p", "s", server}, 2, `required flag(s) "start" not set`},
		{[]string{"stage", "reschedule", "p", server, "--start", "2027-01-01"}, 2, "missing STAGE"},
		{[]string{"window", "extend", "p", "s", server, "--closes", "soon"}, 2, `--closes "soon"`},
		{[]string{"stage", "move", "p", "s", server, "--start", "2027-03-08"}, 2, `required flag(s) "reason" not set`},
		{[]string{"stage", "move", "p", "s", server, "--reason", "r"}, 2, `required flag(s) "start" not set`},
		{[]string{"stage", "extend", "p", "s", server, "--reason", "r"}, 2, "[days end-now] is required"},
		{[]string{"stage", "extend", "p", "s", server, "--days", "0", "--reason", "r"}, 2, "--days 0: give a number of days, or --end-now"},
		{[]string{"stage", "extend", "p", "s", server, "--days", "2", "--reason", "r", "--override-rule", "x"}, 2, "missing [override-reason]"},
		{[]string{"stage", "extend", "p", "s", server, "--days", "2", "--reason", "r", "--override-rule", "x", "--override-reason", " "}, 2, "override.reason is required"},
		{[]string{"stage", "reschedule", "p", "s", server, "--start", "2027-01-01", "--override-reason", "x"}, 2, "missing [override-rule]"},
		{[]string{"draft", "publish", "p", "s", server, "--revision", "1", "--file", "x.txt", "--override-rule", "x"}, 2, "missing [override-reason]"},
		{[]string{"stage", "extend", "p", "s", server, "--days", "2", "--end-now", "--reason", "r"}, 2, "[days end-now] were all set"},
		{[]string{"stage", "venue", "p", "s", server, "--place", "Geneva", "--tz", "Europe/Geneva", "--reason", "r"}, 2, `time zone "Europe/Geneva"`},
		{[]string{"stage", "cancel", "p", "s", server}, 2, `required flag(s) "reason" not set`},
		{[]string{"stage", "cancel", "p", "s", server, "--reason", " "}, 2, "--reason is blank"},
		{[]string{"stage", "add", "p", server, "--phase", "x", "--stage", "y", "--kind", "hearing", "--title", "H", "--start", "2027-03-08", "--opens", "2027-03-01"}, 2, "[opens closes] are set they must all be set"},
		{[]string{"draft", "publish", "p", "s", server, "--file", "x.txt"}, 2, `required flag(s) "revision" not set`},
		{[]string{"draft", "publish", "p", "s", server, "--revision", "1", "--file", "no-such.txt"}, 1, "no-such.txt"},
		{[]string{"window", "close", "p", "s", "--server", "ftp://x"}, 2, "want an http:// or https:// URL"},
		{[]string{"window", "close", "p", "s", "--no-such"}, 2, "unknown flag: --no-such"},
	} {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != tc.code || !strings.Contains(errOut.String(), tc.errOut) {
			t.Errorf("compact %v = %d, want %d with %q\nstderr: %s", tc.args, code, tc.code, tc.errOut, errOut.String())
		}
	}
	if len(*seen) != 0 {
		t.Errorf("misuse sent %d requests", len(*seen))
	}
}

func TestOpsEnvTwins(t *testing.T) {
	clearOpsEnv(t)
	srv, seen := fakeAPI(t, map[string]canned{"GET /v1/processes/p/stages": {200, "[]\n"}})
	t.Setenv("COMPACT_SERVER", srv.URL)
	t.Setenv("COMPACT_TOKEN", "cpt_env")
	var out, errOut bytes.Buffer
	if code := run([]string{"process", "timeline", "p"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if len(*seen) != 1 || (*seen)[0].auth != "Bearer cpt_env" {
		t.Errorf("requests %+v", *seen)
	}
	if out.String() != "SEQ  START  END  STAGE  KIND  STATUS  MOVED  PLACE\n" {
		t.Errorf("stdout %q", out.String())
	}
}

func TestParagraphs(t *testing.T) {
	got := paragraphs("\n\nOne\n  two  \n\t\nThree\r\n\r\n\r\nFour")
	want := []string{"One two", "Three", "Four"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paragraphs = %q, want %q", got, want)
	}
}
