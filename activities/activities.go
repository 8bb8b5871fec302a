// Package activities holds the side effects of Compact's workflows: recording
// each stage in the store's hash chain, publishing documents, opening and
// sealing windows, and queueing notifications. Every activity is idempotent:
// a retry records and notifies once.
package activities

import (
	"time"

	"github.com/compact-un/compact/store"
)

// Activities are registered on the worker as one struct; the SDK names each
// activity after its method.
type Activities struct {
	Store store.Store
	// Now is the wall clock; tests replace it.
	Now func() time.Time
}

// New returns activities over s.
func New(s store.Store) *Activities {
	return &Activities{Store: s, Now: time.Now}
}
