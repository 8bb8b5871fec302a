package postgres

import (
	"testing"

	"github.com/compact-un/compact/store/storetest"
)

func FuzzSearch(f *testing.F) {
	admin, server := server(f)
	s, err := Open(f.Context(), freshDatabase(f, admin, server))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	storetest.FuzzSearch(f, s)
}
