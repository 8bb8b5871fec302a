package event

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/compact-un/compact/process"
)

// TestOldChainVerifiesAndDecodes reads a record written before the
// catalogue (a simulation of gcm-2018 by the map-writing workflows, as the
// store held it): it still verifies, every entry decodes into its typed
// data, and that data encodes back to the very bytes recorded.
func TestOldChainVerifiesAndDecodes(t *testing.T) {
	b, err := os.ReadFile("testdata/gcm-2018-record-before-typed-events.json")
	if err != nil {
		t.Fatal(err)
	}
	var entries []process.RecordEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("no entries")
	}
	if err := process.VerifyChain(entries); err != nil {
		t.Fatal(err)
	}
	seen := map[Name]int{}
	for _, e := range entries {
		name := Name(e.Event)
		if !Known(name) {
			t.Errorf("entry %d: %s is not in the catalogue", e.Seq, name)
			continue
		}
		seen[name]++
		data, err := Decode(name, []byte(e.Data))
		if err != nil {
			t.Errorf("entry %d: %v", e.Seq, err)
			continue
		}
		if data == nil {
			if e.Data != "{}" {
				t.Errorf("entry %d: %s has no data but %s was recorded", e.Seq, name, e.Data)
			}
			continue
		}
		if _, union := data.(*Appointment); union {
			continue // written as one of three shapes, read as their union
		}
		again, err := Encode(data)
		if err != nil {
			t.Fatal(err)
		}
		if string(again) != e.Data {
			t.Errorf("entry %d, %s: typed data encodes as\n%s\nnot as recorded\n%s", e.Seq, name, again, e.Data)
		}
	}
	t.Logf("%d entries, %d events: %v", len(entries), len(seen), seen)
}
