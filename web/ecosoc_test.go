package web

import (
	"testing"
	"time"

	"github.com/compact-un/compact/process"
)

// loadECOSOCList loads the one list of organisations in ECOSOC status the
// web tests use: the list is the whole store's, and tests run in parallel.
func loadECOSOCList(t *testing.T) {
	t.Helper()
	l := process.ECOSOCList{LoadedAt: time.Now(), LoadedBy: "PGA", Entries: []process.ECOSOCEntry{
		{Name: "Ecosoc Org", Status: process.ECOSOCSpecial, Year: 2004},
		{Name: "International Migrants Forum", Status: process.ECOSOCSpecial, Year: 2010},
	}}
	if err := stack.Store.PutECOSOCList(t.Context(), l); err != nil {
		t.Fatal(err)
	}
}
