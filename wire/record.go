package wire

import (
	"encoding/json"
	"time"
)

// RecordEntry is a record entry as the API shows it. At and CanonicalData
// are the exact texts the entry's hash covers, so that anyone can verify the
// chain from this JSON alone (docs/record-verification.md); Data is the same
// data parsed, for reading.
type RecordEntry struct {
	Seq           int64           `json:"seq"`
	ProcessID     string          `json:"processId"`
	Key           string          `json:"key"`
	StageID       string          `json:"stageId"`
	Event         string          `json:"event"`
	At            string          `json:"at"`
	RecordedAt    time.Time       `json:"recordedAt"`
	Data          json.RawMessage `json:"data"`
	CanonicalData string          `json:"canonicalData"`
	PrevHash      string          `json:"prevHash"`
	Hash          string          `json:"hash"`
}

// Simulated reports whether the entry records simulated participants'
// doing, in a replay, so that a reader can say so beside it.
func (e RecordEntry) Simulated() bool {
	var data struct {
		Simulated bool `json:"simulated"`
	}
	return json.Unmarshal(e.Data, &data) == nil && data.Simulated
}

// RecordPage is the body of GET …/record.
type RecordPage struct {
	ProcessID string        `json:"processId"`
	Entries   []RecordEntry `json:"entries"`
	// Next is the after= of the next page; absent on the last.
	Next int64 `json:"next,omitempty"`
}

// Verification is the body of GET …/record/verify.
type Verification struct {
	ProcessID string `json:"processId"`
	Verified  bool   `json:"verified"`
	Entries   int    `json:"entries"`
	Head      string `json:"head"` // the last entry's hash; the genesis hash for an empty record
	Error     string `json:"error,omitempty"`
}
