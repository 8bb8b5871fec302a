package storetest

import (
	"context"
	"sync"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// ChainReads is a store that counts the reads of one process's record from
// its first entry and changes the entries of that record it answers with,
// as someone with the database in hand could: for tests of verification.
type ChainReads struct {
	store.Store
	mu        sync.Mutex
	processID string
	whole     int                          // pages read from the first entry
	tamper    func(e *process.RecordEntry) // nil: as stored
}

// Watch starts counting the reads of processID's record, from zero.
func (r *ChainReads) Watch(processID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.processID, r.whole = processID, 0
}

// Tamper changes every entry of the watched record read from now on with
// tamper; nil answers them as stored.
func (r *ChainReads) Tamper(tamper func(e *process.RecordEntry)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tamper = tamper
}

// WholeReads is how many times the watched record was read from its first
// entry.
func (r *ChainReads) WholeReads() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.whole
}

func (r *ChainReads) EntriesPage(ctx context.Context, processID string, after int64, limit int) ([]process.RecordEntry, error) {
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

func (r *ChainReads) LastEntries(ctx context.Context, processID string, n int) ([]process.RecordEntry, error) {
	es, err := r.Store.LastEntries(ctx, processID, n)
	r.mu.Lock()
	defer r.mu.Unlock()
	if processID != r.processID {
		return es, err
	}
	return r.changed(es), err
}

func (r *ChainReads) changed(es []process.RecordEntry) []process.RecordEntry {
	if r.tamper != nil {
		for i := range es {
			r.tamper(&es[i])
		}
	}
	return es
}
