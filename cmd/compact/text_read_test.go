package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestTextReadCommands(t *testing.T) {
	clearOpsEnv(t)
	const (
		akn  = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"></akomaNtoso>` + "\n"
		diff = `{"processId":"gcm-2027","from":0,"to":1,"changes":[` +
			`{"op":"kept","id":"r0-1","oldNum":"","newNum":"","text":"Title"},` +
			`{"op":"edited","id":"r0-3","oldNum":"1","newNum":"2","moved":true,"words":[{"op":"=","text":"This"},{"op":"-","text":"Global Compact"},{"op":"+","text":"Compact"},{"op":"=","text":"rests on the Charter."}]},` +
			`{"op":"added","id":"r1-4","newNum":"3","text":"We commit to dignified return."}]}` + "\n"
		hits = `{"processId":"gcm-2027","query":"remittances","offset":0,"more":true,"hits":[` +
			`{"kind":"contribution","tracking":"GCM-TS1-000001","revision":0,"label":"Contribution of MEX","snippet":[{"text":"Cheaper "},{"text":"remittances","match":true},{"text":" save money."}]},` +
			`{"kind":"paragraph","revision":1,"paragraph":"r0-3","label":"2","snippet":[{"text":"remittances","match":true}]}]}` + "\n"
	)
	srv, seen := fakeAPI(t, map[string]canned{
		"GET /v1/processes/gcm-2027/text/revisions/1": {200, akn},
		"GET /v1/processes/gcm-2027/text/compilation": {200, "1. This Global Compact rests on the Charter.\n    [delete] — USA (A2; support 0, oppose 0, reservations 1)\n"},
		"GET /v1/processes/gcm-2027/text/diff":        {200, diff},
		"GET /v1/processes/gcm-2027/search":           {200, hits},
	})
	server := "--server=" + srv.URL
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		path   string // the request's path, when one is sent
		out    string // within stdout
		errOut string // within stderr
	}{
		{"export akn", []string{"text", "export", "gcm-2027", "--revision", "1", server}, 0, "/v1/processes/gcm-2027/text/revisions/1", "<akomaNtoso", ""},
		{"export markdown", []string{"text", "export", "gcm-2027", "--revision=1", "--format=markdown", server}, 0, "/v1/processes/gcm-2027/text/revisions/1", "akomaNtoso", ""},
		{"compile", []string{"text", "compile", "gcm-2027", server}, 0, "/v1/processes/gcm-2027/text/compilation", "[delete] — USA (A2; support 0", ""},
		{"diff", []string{"text", "diff", "gcm-2027", "--from", "0", "--to", "1", server}, 0, "/v1/processes/gcm-2027/text/diff",
			"1 → 2 (r0-3, edited, moved)\n  This [-Global Compact-] {+Compact+} rests on the Charter.\n\n- → 3 (r1-4, added)\n  {+We commit to dignified return.+}\n\n2 of 3 paragraphs changed\n", ""},
		{"search", []string{"search", "gcm-2027", "remittances", server}, 0, "/v1/processes/gcm-2027/search",
			"Cheaper «remittances» save money.", ""},
		{"search pages", []string{"search", "gcm-2027", "remittances", server}, 0, "/v1/processes/gcm-2027/search", "2 hits from 1; more with --offset 2\n", ""},
		{"export without revision", []string{"text", "export", "gcm-2027", server}, 2, "", "", `required flag(s) "revision" not set`},
		{"export bad format", []string{"text", "export", "gcm-2027", "--revision=0", "--format=pdf", server}, 2, "", "", `--format "pdf": want akn, markdown, json`},
		{"diff without to", []string{"text", "diff", "gcm-2027", "--from=0", server}, 2, "", "", `required flag(s) "to" not set`},
		{"search without query", []string{"search", "gcm-2027", server}, 2, "", "", "missing QUERY"},
		{"unknown", []string{"text", "propose"}, 2, "", "", `unknown command "propose"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(*seen)
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.out) || !strings.Contains(stderr.String(), tc.errOut) {
				t.Errorf("stdout %q, want within it %q; stderr %q, want within it %q", stdout.String(), tc.out, stderr.String(), tc.errOut)
			}
			switch sent := (*seen)[before:]; {
			case tc.path == "" && len(sent) > 0:
				t.Errorf("sent %+v, want nothing sent", sent)
			case tc.path != "" && (len(sent) != 1 || sent[0].method != "GET" || sent[0].path != tc.path):
				t.Errorf("sent %+v, want GET %s", sent, tc.path)
			}
		})
	}
}
