package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store/storetest"
	"github.com/compact-un/compact/wire"
)

// seedRecord makes a process in the store alone, without a workflow, with a
// record of three entries whose data tests the encoding: text that JSON
// encoders escape differently, nested values, nanoseconds.
func seedRecord(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	id, code := uniqueID("record")
	if err := stack.store.PutProcess(ctx, process.Process{ID: id, TemplateID: id, Title: "Record " + id, Code: code,
		Phase: "consultations", Status: "running", CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2030, 1, 2, 3, 4, 5, 600_000_000, time.UTC)
	for i, ev := range []process.RecordEvent{
		{StageID: "", Event: "process.created", Data: `{"title":"Résumé <b>&</b> \u2028 ✓"}`},
		{StageID: "ts1", Event: "stage.started", Data: `{}`},
		{StageID: "ts1", Event: "window.closed", Data: `{"count":3,"nested":{"a":[1,2.5,null]}}`},
	} {
		ev.ProcessID, ev.Key, ev.At = id, fmt.Sprintf("%s/%s/%s", id, ev.StageID, ev.Event), at.Add(time.Duration(i)*time.Hour)
		if _, err := stack.store.Append(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// docHash computes an entry's hash as docs/record-verification.md says,
// from the entry as a JSON client reads it: independent of
// process.RecordEntry.ComputeHash, so that the two prove each other.
func docHash(e map[string]any) string {
	h := sha256.New()
	for _, name := range []string{"prevHash", "seq", "processId", "key", "stageId", "event", "at", "canonicalData"} {
		var field string
		switch v := e[name].(type) {
		case string:
			field = v
		case json.Number: // seq, in decimal as the JSON wrote it
			field = v.String()
		}
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(field)))
		h.Write(n[:])
		h.Write([]byte(field))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// fetchRecord reads every page of a record as generic JSON.
func fetchRecord(t *testing.T, a *apiServer, id string, limit int) []map[string]any {
	t.Helper()
	var all []map[string]any
	for after := "0"; ; {
		res := a.do("GET", fmt.Sprintf("/v1/processes/%s/record?after=%s&limit=%d", id, after, limit), "", nil)
		wantStatus(t, "record page", res, http.StatusOK)
		dec := json.NewDecoder(bytes.NewReader(res.Body))
		dec.UseNumber()
		var page struct {
			Entries []map[string]any `json:"entries"`
			Next    json.Number      `json:"next"`
		}
		if err := dec.Decode(&page); err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Entries...)
		if page.Next == "" {
			return all
		}
		after = page.Next.String()
	}
}

func TestRecordVerifiesByTheDocumentedProcedure(t *testing.T) {
	a := newAPIServer(t)
	id := seedRecord(t)
	entries := fetchRecord(t, a, id, 2) // two pages
	if len(entries) != 3 {
		t.Fatalf("%d entries, want 3", len(entries))
	}
	prev := process.GenesisHash
	for i, e := range entries {
		if e["seq"].(json.Number).String() != fmt.Sprint(i+1) || e["prevHash"] != prev || docHash(e) != e["hash"] {
			t.Fatalf("entry %d does not verify: %v", i+1, e)
		}
		prev = e["hash"].(string)
	}
	// data is the canonical text parsed, whatever its escapes.
	var data, canonical any
	if err := json.Unmarshal(mustJSON(t, entries[0]["data"]), &data); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal([]byte(entries[0]["canonicalData"].(string)), &canonical)
	if fmt.Sprint(data) != fmt.Sprint(canonical) || entries[0]["at"] != "2030-01-02T03:04:05.6Z" {
		t.Errorf("entry 1: data %v, canonical %v, at %v", data, canonical, entries[0]["at"])
	}

	var v wire.Verification
	a.do("GET", "/v1/processes/"+id+"/record/verify", "", nil).JSON(t, &v)
	if want := (wire.Verification{ProcessID: id, Verified: true, Entries: 3, Head: prev}); v != want {
		t.Errorf("verify = %+v, want %+v", v, want)
	}
	wantStatus(t, "unknown process", a.do("GET", "/v1/processes/nope/record", "", nil), http.StatusNotFound)
	wantStatus(t, "unknown process verified", a.do("GET", "/v1/processes/nope/record/verify", "", nil), http.StatusNotFound)
	wantStatus(t, "negative after", a.do("GET", "/v1/processes/"+id+"/record?after=-1", "", nil), http.StatusBadRequest)
	wantStatus(t, "zero limit", a.do("GET", "/v1/processes/"+id+"/record?limit=0", "", nil), http.StatusBadRequest)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyEntriesDetectsTampering(t *testing.T) {
	var chain []process.RecordEntry
	for i := range 4 {
		var prev *process.RecordEntry
		if i > 0 {
			prev = &chain[i-1]
		}
		chain = append(chain, process.Chain(prev, process.RecordEvent{ProcessID: "p", Key: fmt.Sprint("k", i), StageID: "s",
			Event: "e", At: time.Date(2030, 1, 1, i, 0, 0, 0, time.UTC), Data: fmt.Sprintf(`{"n":%d}`, i)}, time.Now()))
	}
	tampered := func(change func([]process.RecordEntry) []process.RecordEntry) []process.RecordEntry {
		return change(append([]process.RecordEntry(nil), chain...))
	}
	for _, tc := range []struct {
		name    string
		entries []process.RecordEntry
		err     string
	}{
		{"intact", chain, ""},
		{"empty", nil, ""},
		{"data changed", tampered(func(es []process.RecordEntry) []process.RecordEntry {
			es[1].Data = `{"n":42}`
			return es
		}), "entry 2: content does not match its hash"},
		{"time changed", tampered(func(es []process.RecordEntry) []process.RecordEntry {
			es[2].At = es[2].At.Add(time.Nanosecond)
			return es
		}), "entry 3: content does not match its hash"},
		{"entry removed", tampered(func(es []process.RecordEntry) []process.RecordEntry {
			return append(es[:1], es[2:]...)
		}), "entry 2 has seq 3"},
		{"entries swapped", tampered(func(es []process.RecordEntry) []process.RecordEntry {
			es[1], es[2] = es[2], es[1]
			return es
		}), "entry 2 has seq 3"},
		{"entry rewritten and rehashed", tampered(func(es []process.RecordEntry) []process.RecordEntry {
			es[1].Data = `{"n":42}`
			es[1].Hash = es[1].ComputeHash()
			return es
		}), "entry 3 does not follow entry 2"},
	} {
		v, err := verification(wire.Verification{ProcessID: "p", Verified: true, Head: process.GenesisHash}, func(after int64) ([]process.RecordEntry, error) {
			// Pages of two, by position: a tampered record's seqs lie.
			from := min(int(after), len(tc.entries))
			if after > 0 {
				from = slices.IndexFunc(tc.entries, func(e process.RecordEntry) bool { return e.Seq == after }) + 1
			}
			return tc.entries[from:min(from+2, len(tc.entries))], nil
		})
		if err != nil {
			t.Fatal(err)
		}
		head := process.GenesisHash
		if len(tc.entries) > 0 {
			head = tc.entries[len(tc.entries)-1].Hash
		}
		if v.Verified != (tc.err == "") || v.Error != tc.err || v.Entries != len(tc.entries) || v.Head != head {
			t.Errorf("%s: %+v, want error %q", tc.name, v, tc.err)
		}
	}
}

// TestVerificationScript runs the script docs/record-verification.md gives
// on records this API serves, and on tampered copies.
func TestVerificationScript(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	doc, err := os.ReadFile("../docs/record-verification.md")
	if err != nil {
		t.Fatal(err)
	}
	_, script, ok := strings.Cut(string(doc), "```python\n")
	script, _, ok2 := strings.Cut(script, "\n```")
	if !ok || !ok2 {
		t.Fatal("no python block in docs/record-verification.md")
	}
	dir := t.TempDir()
	file := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	verify := file("verify_record.py", []byte(script))
	run := func(args ...string) (string, bool) {
		out, err := exec.Command(python, append([]string{verify}, args...)...).CombinedOutput()
		return string(out), err == nil
	}

	a := newAPIServer(t)
	id := seedRecord(t)
	var page wire.RecordPage
	res := a.do("GET", "/v1/processes/"+id+"/record", "", nil)
	res.JSON(t, &page)
	head := page.Entries[len(page.Entries)-1].Hash
	if out, ok := run(file("record.json", res.Body)); !ok || !strings.Contains(out, "verified: 3 entries, head "+head) {
		t.Errorf("JSON: %s", out)
	}
	page.Entries[1].CanonicalData = `{"forged":true}`
	if out, ok := run(file("forged.json", mustJSON(t, page))); ok || !strings.Contains(out, "NOT VERIFIED: entry 2: content does not match its hash") {
		t.Errorf("forged JSON: %s", out)
	}
	if out, ok := run(a.hs.URL + "/v1/processes/" + id); !ok || !strings.Contains(out, head) {
		t.Errorf("URL: %s", out)
	}

	res = a.do("GET", "/v1/processes/"+id+"/record.csv", "", nil)
	if res.Status == http.StatusNotFound {
		t.Skip("no record.csv export served yet")
	}
	if out, ok := run(file("record.csv", res.Body), id); !ok || !strings.Contains(out, head) {
		t.Errorf("CSV: %s", out)
	}
	forged := bytes.Replace(res.Body, []byte("window.closed"), []byte("window.opened"), 1)
	if out, ok := run(file("forged.csv", forged), id); ok || !strings.Contains(out, "entry 3: content does not match") {
		t.Errorf("forged CSV: %s", out)
	}
}

// TestVerifyReadsTheChainOncePerHead: the pages that show a record's
// verification ask for it on every load; the chain is read whole once, then
// only what was appended to it, until verifiedFor has passed. Tampering
// that moves the head, or touches the head, is reported at once; a row
// changed in the middle behind the API's back is reported once verifiedFor
// has passed (docs/record-verification.md).
func TestVerifyReadsTheChainOncePerHead(t *testing.T) {
	id := seedRecord(t)
	reads := &storetest.ChainReads{Store: stack.store}
	reads.Watch(id)
	var mu sync.Mutex
	now := time.Now()
	a := newAPIServer(t, func(o *Options) {
		o.Store = reads
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	later := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	verify := func(what string, entries int, verified bool, wholeReads int, errText string) {
		t.Helper()
		var v wire.Verification
		a.do("GET", "/v1/processes/"+id+"/record/verify", "", nil).JSON(t, &v)
		if v.Entries != entries || v.Verified != verified || v.Error != errText {
			t.Errorf("%s: %+v, want %d entries, verified %v, error %q", what, v, entries, verified, errText)
		}
		if got := reads.WholeReads(); got != wholeReads {
			t.Errorf("%s: the chain read whole %d times, want %d", what, got, wholeReads)
		}
	}
	for range 3 {
		verify("three loads", 3, true, 1, "")
	}
	var wg sync.WaitGroup
	for range 8 { // at once, as every delegation on conference day
		wg.Go(func() {
			if v, err := a.s.verifyChain(context.Background(), id); err != nil || !v.Verified || v.Entries != 3 {
				t.Errorf("at once: %+v, %v", v, err)
			}
		})
	}
	wg.Wait()

	ev := process.RecordEvent{ProcessID: id, Key: id + "/ts1/stage.completed", StageID: "ts1", Event: "stage.completed", At: time.Now(), Data: `{}`}
	if _, err := stack.store.Append(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	verify("appended", 4, true, 1, "")

	reads.Tamper(func(e *process.RecordEntry) {
		if e.Seq == 4 {
			e.Data = `{"n":1}`
		}
	})
	verify("head changed", 4, false, 2, "entry 4: content does not match its hash")
	reads.Tamper(nil)
	verify("head restored", 4, true, 3, "")

	ev.Key, ev.Event = id+"/ts1/window.reminder", "window.reminder"
	if _, err := stack.store.Append(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	reads.Tamper(func(e *process.RecordEntry) { // entry 5 made to follow another chain
		if e.Seq == 5 {
			e.PrevHash = process.GenesisHash
			e.Hash = e.ComputeHash()
		}
	})
	verify("appended off the chain", 5, false, 4, "entry 5 does not follow entry 4")
	reads.Tamper(nil)
	verify("appended restored", 5, true, 5, "")

	reads.Tamper(func(e *process.RecordEntry) {
		if e.Seq == 2 {
			e.Data = `{"n":1}`
		}
	})
	verify("middle changed, within verifiedFor", 5, true, 5, "")
	later(verifiedFor)
	verify("middle changed, after verifiedFor", 5, false, 6, "entry 2: content does not match its hash")
	verify("broken, again", 5, false, 7, "entry 2: content does not match its hash")
}
