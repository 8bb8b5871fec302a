package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

func newRecordEntry(e process.RecordEntry) wire.RecordEntry {
	data := json.RawMessage(e.Data)
	if !json.Valid(data) { // not written by a workflow: shown as the text it is
		data, _ = json.Marshal(e.Data)
	}
	return wire.RecordEntry{
		Seq: e.Seq, ProcessID: e.ProcessID, Key: e.Key, StageID: e.StageID, Event: e.Event,
		At: e.At.UTC().Format(time.RFC3339Nano), RecordedAt: e.RecordedAt.UTC(),
		Data: data, CanonicalData: e.Data, PrevHash: e.PrevHash, Hash: e.Hash,
	}
}

// Pages of the record: a whole record can run to tens of thousands of
// entries.
const (
	defaultRecordPage = 1000
	maxRecordPage     = 10000
)

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.PathValue("id")
	after, err := nonNegativeParam(r, "after", 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := nonNegativeParam(r, "limit", defaultRecordPage)
	if err == nil && (limit < 1 || limit > maxRecordPage) {
		err = process.Errorf("api.getRecord", process.Invalid, "limit %d: want 1 to %d", limit, maxRecordPage)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.store.GetProcess(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	// One more than the page tells whether a next page exists.
	entries, err := s.store.EntriesPage(ctx, id, after, int(limit)+1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := wire.RecordPage{ProcessID: id, Entries: make([]wire.RecordEntry, 0, min(len(entries), int(limit)))}
	if int64(len(entries)) > limit {
		entries = entries[:limit]
		page.Next = entries[len(entries)-1].Seq
	}
	for _, e := range entries {
		page.Entries = append(page.Entries, newRecordEntry(e))
	}
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) verifyRecord(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.store.GetProcess(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.verifyChain(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// verifyPage is how many entries a verification reads at a time: a record
// of any length is checked in bounded memory.
const verifyPage = 1000

// verifyChain checks a record's chain, a page at a time. A chain found
// intact lately (s.verified) is not read again while its head is the same:
// only the entries appended since are, from its head on.
func (s *Server) verifyChain(ctx context.Context, processID string) (wire.Verification, error) {
	read := func(after int64) ([]process.RecordEntry, error) {
		return s.store.EntriesPage(ctx, processID, after, verifyPage)
	}
	now := s.now()
	if known, ok := s.verified.get(processID, now); ok {
		last, err := s.store.LastEntries(ctx, processID, 1)
		if err != nil {
			return wire.Verification{}, err
		}
		switch {
		case len(last) == 0:
			// Emptied: read whole, below.
		case last[0].Seq == int64(known.v.Entries) && last[0].Hash == known.v.Head && last[0].ComputeHash() == last[0].Hash:
			return known.v, nil
		case last[0].Seq > int64(known.v.Entries):
			v, err := verification(known.v, read)
			if err != nil {
				return v, err
			}
			if v.Verified {
				s.verified.put(processID, verifiedChain{v: v, whole: known.whole}, now)
				return v, nil
			}
			// The new entries do not follow the head checked: read whole,
			// to say where the chain breaks.
		}
	}
	v, err := verification(wire.Verification{ProcessID: processID, Verified: true, Head: process.GenesisHash}, read)
	if err == nil {
		s.verified.put(processID, verifiedChain{v: v, whole: now}, now)
	}
	return v, err
}

// verification checks a record that next reads a page at a time (the
// entries after a seq; an empty page ends it) from where from, intact,
// ends: it counts every entry and names the last, checking the chain until
// it breaks.
func verification(from wire.Verification, next func(after int64) ([]process.RecordEntry, error)) (wire.Verification, error) {
	v := from
	c := process.ChainCheck{N: int64(v.Entries), Head: v.Head}
	for after := c.N; ; {
		page, err := next(after)
		if err != nil || len(page) == 0 {
			return v, err
		}
		if err := c.Next(page); err != nil && v.Verified {
			v.Verified, v.Error = false, process.Message(err)
		}
		last := page[len(page)-1]
		v.Entries, v.Head, after = v.Entries+len(page), last.Hash, last.Seq
	}
}

// nonNegativeParam reads an optional query parameter that counts from 0.
func nonNegativeParam(r *http.Request, name string, def int64) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, process.Errorf("api.nonNegativeParam", process.Invalid, "%s=%q is not a number from 0", name, s)
	}
	return n, nil
}

// processStages reads a process with its stages.
func (s *Server) processStages(ctx context.Context, id string) (process.Process, []process.Stage, error) {
	p, err := s.store.GetProcess(ctx, id)
	if err != nil {
		return p, nil, err
	}
	stages, err := s.store.ListStages(ctx, id)
	return p, stages, err
}
