package main

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestTextWriteCommands(t *testing.T) {
	clearOpsEnv(t)
	srv, seen := fakeAPI(t, map[string]canned{
		"PUT /v1/processes/gcm-2027/text/amendments/AM-1A2B3C4D5E/decision": {200, `{"processId":"gcm-2027","stageId":"zero",` +
			`"id":"AM-1A2B3C4D5E","revision":0,"kind":"replace","paragraph":"r0-3","text":"This Compact rests on the Charter.",` +
			`"sponsor":"MEX","decision":{"outcome":"merged","note":"with A7","text":"This Compact rests on the Charter of the United Nations."},` +
			`"proposedAt":"2027-02-06T10:00:00Z"}` + "\n"},
		"PUT /v1/processes/gcm-2027/text/revisions/0/paragraphs/OP2/mark": {200,
			`{"revision":0,"paragraph":"r0-4","status":"agreed-ad-ref","note":"subject to capitals"}` + "\n"},
		"PUT /v1/processes/gcm-2027/text/revisions/0/paragraphs/OP9/mark": {404, `{"type":"urn:compact:problem:not-found",` +
			`"title":"Not Found","status":404,"detail":"paragraph \"OP9\" is not in revision 0"}` + "\n"},
	})
	server, token := "--server="+srv.URL, "--token=cpt_secret"
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		path       string
		body       map[string]any
		out, error string
	}{{
		name: "decide",
		args: []string{"text", "decide", "gcm-2027", "AM-1A2B3C4D5E", server, token, "--outcome", "merged", "--note", "with A7",
			"--text", "This Compact rests on the Charter of the United Nations."},
		path: "/v1/processes/gcm-2027/text/amendments/AM-1A2B3C4D5E/decision",
		body: map[string]any{"outcome": "merged", "note": "with A7", "text": "This Compact rests on the Charter of the United Nations."},
		out: "amendment AM-1A2B3C4D5E (revision 0, by MEX): merged: with A7\n" +
			"merged into: This Compact rests on the Charter of the United Nations.\n",
	}, {
		name: "mark",
		args: []string{"text", "mark", "gcm-2027", "0", "OP2", server, token, "--status", "agreed-ad-ref", "--note", "subject to capitals"},
		path: "/v1/processes/gcm-2027/text/revisions/0/paragraphs/OP2/mark",
		body: map[string]any{"status": "agreed-ad-ref", "note": "subject to capitals"},
		out:  "revision 0, paragraph r0-4: agreed-ad-ref (subject to capitals)\n",
	}, {
		name: "mark an unknown paragraph", code: 1,
		args:  []string{"text", "mark", "gcm-2027", "0", "OP9", server, token, "--status", "agreed"},
		path:  "/v1/processes/gcm-2027/text/revisions/0/paragraphs/OP9/mark",
		body:  map[string]any{"status": "agreed"},
		error: `compact text mark: paragraph "OP9" is not in revision 0 (404 Not Found)`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			*seen = nil
			var out, errOut bytes.Buffer
			if code := run(tc.args, &out, &errOut); code != tc.code || out.String() != tc.out || !strings.Contains(errOut.String(), tc.error) {
				t.Fatalf("exit %d, want %d\nstdout: %s\nwant:   %s\nstderr: %s", code, tc.code, out.String(), tc.out, errOut.String())
			}
			if len(*seen) != 1 {
				t.Fatalf("%d requests, want 1", len(*seen))
			}
			r := (*seen)[0]
			if r.method != "PUT" || r.path != tc.path || r.auth != "Bearer cpt_secret" || !reflect.DeepEqual(r.body, tc.body) {
				t.Errorf("request %s %s auth %q body %v, want PUT %s body %v", r.method, r.path, r.auth, r.body, tc.path, tc.body)
			}
		})
	}

	*seen = nil
	for _, tc := range []struct {
		args   []string
		errOut string
	}{
		{[]string{"text"}, "Usage: compact text <command>"},
		{[]string{"text", "decide", "p", "AM-1", server, "--outcome", "adopted"}, `--outcome "adopted"`},
		{[]string{"text", "decide", "p", "AM-1", server, "--outcome", "merged"}, "--text goes with --outcome merged"},
		{[]string{"text", "decide", "p", server, "--outcome", "incorporated"}, "missing AMENDMENT"},
		{[]string{"text", "mark", "p", "zero", "OP1", server, "--status", "agreed"}, `REVISION "zero"`},
		{[]string{"text", "mark", "p", "0", "OP1", server, "--status", "closed"}, `--status "closed"`},
	} {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tc.errOut) {
			t.Errorf("compact %v = %d, want 2 with %q\nstderr: %s", tc.args, code, tc.errOut, errOut.String())
		}
	}
	if len(*seen) != 0 {
		t.Errorf("misuse sent %d requests", len(*seen))
	}
}
