package web

import (
	"net/http"
	"testing"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store/storetest"
)

// TestRecordVerifiedOncePerHead: the overview, the record and the open
// data each ask the API to verify the record (the open data for its
// length), and the chain is read whole for the first of them only; a
// record changed behind the store's back is still shown broken.
func TestRecordVerifiedOncePerHead(t *testing.T) {
	t.Parallel()
	reads := &storetest.ChainReads{Store: stack.Store}
	ts := newTestSiteWith(t, func(o *api.Options) { o.Store = reads })
	id := ts.launch("verified")
	reads.Watch(id)
	b := ts.browser()
	base := "/processes/" + id
	wantPage(t, "overview", b.get(base), http.StatusOK, `id="record-verified"`)
	wantPage(t, "record", b.get(base+"/record"), http.StatusOK, `id="record-verified"`)
	wantPage(t, "open data", b.get(base+"/data"), http.StatusOK, `id="download-record-csv"`) // with the record's length
	// One read for the verification, one for the record page's entries.
	if n := reads.WholeReads(); n != 2 {
		t.Errorf("three pages read the record from its first entry %d times, want 2", n)
	}

	reads.Tamper(func(e *process.RecordEntry) { e.Data = `{"changed":true}` })
	for _, path := range []string{base, base + "/record"} {
		wantPage(t, path+", changed", b.get(path), http.StatusOK, `id="record-unverified"`, "entry 1: content does not match its hash")
	}
}
