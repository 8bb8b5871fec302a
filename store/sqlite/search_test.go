package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/compact-un/compact/store/storetest"
)

func FuzzSearch(f *testing.F) {
	s, err := Open(filepath.Join(f.TempDir(), "compact.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	storetest.FuzzSearch(f, s)
}
