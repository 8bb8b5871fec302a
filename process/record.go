package process

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// GenesisHash is the "previous hash" of a chain's first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// RecordEvent is one stage event to append to a process's record.
type RecordEvent struct {
	ProcessID string    `json:"processId"`
	Key       string    `json:"key"` // idempotency key: the same key is recorded once
	StageID   string    `json:"stageId"`
	Event     string    `json:"event"` // e.g. "window.opened", "session.held", "draft.published"
	At        time.Time `json:"at"`    // process time of the event
	Data      string    `json:"data"`  // canonical JSON of the event's details
}

// RecordEntry is an event as recorded: numbered and chained.
type RecordEntry struct {
	RecordEvent
	Seq        int64     `json:"seq"` // 1, 2, … within the process
	RecordedAt time.Time `json:"recordedAt"`
	PrevHash   string    `json:"prevHash"`
	Hash       string    `json:"hash"`
}

// Hash computes an entry's hash: SHA-256 over the canonical encoding, which is
// each field below in this order, every one as an 8-byte big-endian length
// followed by its UTF-8 bytes:
//
//	prevHash, seq (decimal), processId, key, stageId, event,
//	at (RFC 3339 with nanoseconds, UTC), data
//
// RecordedAt is not hashed: it is when a store wrote it, not what happened.
func (e *RecordEntry) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{
		e.PrevHash, fmt.Sprint(e.Seq), e.ProcessID, e.Key, e.StageID, e.Event,
		e.At.UTC().Format(time.RFC3339Nano), e.Data,
	} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Chain links ev after prev (nil for the first entry).
func Chain(prev *RecordEntry, ev RecordEvent, recordedAt time.Time) RecordEntry {
	e := RecordEntry{RecordEvent: ev, Seq: 1, PrevHash: GenesisHash, RecordedAt: recordedAt}
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.Hash = e.ComputeHash()
	return e
}

// VerifyChain checks that entries form one unbroken chain from the genesis.
func VerifyChain(entries []RecordEntry) error {
	var c ChainCheck
	return c.Next(entries)
}

// ChainCheck verifies a chain a page at a time, from the genesis: a long
// record is checked without holding it whole.
type ChainCheck struct {
	N    int64  // entries checked
	Head string // the last one's hash; "" before the first
}

// Next checks the entries that follow those checked.
func (c *ChainCheck) Next(entries []RecordEntry) error {
	for _, e := range entries {
		prev := cmp.Or(c.Head, GenesisHash)
		if e.Seq != c.N+1 {
			return Errorf("process.VerifyChain", Conflict, "entry %d has seq %d", c.N+1, e.Seq)
		}
		if e.PrevHash != prev {
			return Errorf("process.VerifyChain", Conflict, "entry %d does not follow entry %d", e.Seq, e.Seq-1)
		}
		if got := e.ComputeHash(); got != e.Hash {
			return Errorf("process.VerifyChain", Conflict, "entry %d: content does not match its hash", e.Seq)
		}
		c.N, c.Head = e.Seq, e.Hash
	}
	return nil
}

// OutOfOrder is the index of the first entry whose process time comes
// before its predecessor's, or -1: a record follows process time when
// nothing is recorded after what happened later.
func OutOfOrder(entries []RecordEntry) int {
	for i := 1; i < len(entries); i++ {
		if entries[i].At.Before(entries[i-1].At) {
			return i
		}
	}
	return -1
}
