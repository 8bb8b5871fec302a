package web

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// chainReads is the store, counting the reads of a process's record from
// its first entry, and changing the entries it answers with as someone with
// the database in hand could.
type chainReads struct {
	store.Store
	mu        sync.Mutex
	processID string
	whole     int                          // pages read from the first entry
	tamper    func(e *process.RecordEntry) // nil: as stored
}

func (r *chainReads) EntriesPage(ctx context.Context, processID string, after int64, limit int) ([]process.RecordEntry, error) {
	es, err := r.Store.EntriesPage(ctx, processID, after, limit)
	r.mu.Lock()
	defer r.mu.Unlock()
	if processID != r.processID {
		return es, err
	}
	if after == 0 {
		r.whole++
	}
	return r.changed(es), err
}

func (r *chainReads) LastEntries(ctx context.Context, processID string, n int) ([]process.RecordEntry, error) {
	es, err := r.Store.LastEntries(ctx, processID, n)
	r.mu.Lock()
	defer r.mu.Unlock()
	if processID != r.processID {
		return es, err
	}
	return r.changed(es), err
}

func (r *chainReads) changed(es []process.RecordEntry) []process.RecordEntry {
	for i := range es {
		if r.tamper != nil {
			r.tamper(&es[i])
		}
	}
	return es
}

// watch starts counting the reads of processID's record.
func (r *chainReads) watch(processID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.processID, r.whole = processID, 0
}

func (r *chainReads) wholeReads() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.whole
}

// TestRecordVerifiedOncePerHead: the overview, the record and the open
// data each ask the API to verify the record (the open data for its
// length), and the chain is read whole for the first of them only; a
// record changed behind the store's back is still shown broken.
func TestRecordVerifiedOncePerHead(t *testing.T) {
	t.Parallel()
	reads := &chainReads{Store: stack.Store}
	ts := newTestSiteWith(t, func(o *api.Options) { o.Store = reads })
	id := ts.launch("verified")
	reads.watch(id)
	b := ts.browser()
	base := "/processes/" + id
	wantPage(t, "overview", b.get(base), http.StatusOK, `id="record-verified"`)
	wantPage(t, "record", b.get(base+"/record"), http.StatusOK, `id="record-verified"`)
	wantPage(t, "open data", b.get(base+"/data"), http.StatusOK, `id="download-record-csv"`) // with the record's length
	// One read for the verification, one for the record page's entries.
	if n := reads.wholeReads(); n != 2 {
		t.Errorf("three pages read the record from its first entry %d times, want 2", n)
	}

	reads.mu.Lock()
	reads.tamper = func(e *process.RecordEntry) { e.Data = `{"changed":true}` }
	reads.mu.Unlock()
	for _, path := range []string{base, base + "/record"} {
		wantPage(t, path+", changed", b.get(path), http.StatusOK, `id="record-unverified"`, "entry 1: content does not match its hash")
	}
}
