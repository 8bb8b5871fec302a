package sqlstore

import (
	"strings"
	"sync"

	"github.com/compact-un/compact/store"
)

// quietReceipts remembers the receipts of the last contributions this store
// stored with no subscription to take their receipt, so that the intake's
// HasPending for them, asked of every contribution, need not read the
// outbox: only a contribution's own submission queues its receipt, so none
// of theirs will ever be pending. Enqueue forgets any key it is given, in
// case. It keeps the last quietReceiptsKept; for older ones HasPending
// reads.
type quietReceipts struct {
	mu   sync.Mutex
	keys map[string]bool
	ring [quietReceiptsKept]string // the keys in keys, oldest at next
	next int
}

const quietReceiptsKept = 4096

func (q *quietReceipts) add(eventKeys []string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.keys == nil {
		q.keys = map[string]bool{}
	}
	for _, k := range eventKeys {
		delete(q.keys, q.ring[q.next])
		q.ring[q.next] = k
		q.keys[k] = true
		q.next = (q.next + 1) % len(q.ring)
	}
}

func (q *quietReceipts) has(eventKey string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.keys[eventKey]
}

// forget drops the event keys of ns.
func (q *quietReceipts) forget(ns []store.Notification) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, n := range ns {
		key := n.EventKey
		if key == "" {
			key, _, _ = strings.Cut(n.Key, "|")
		}
		delete(q.keys, key)
	}
}
