package api

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/storetest"
)

// allocated is the least memory, over a few calls after a first one (which
// may prepare the store's statements), that one call of h allocates
// serving path: other goroutines of the test process allocate too, and
// only ever add to a call's count.
func allocated(t *testing.T, h http.Handler, path string) uint64 {
	t.Helper()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	least := ^uint64(0)
	for range 8 {
		w := httptest.NewRecorder()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		runtime.ReadMemStats(&after)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
		}
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

// maxSearchAlloc bounds what the server allocates to answer a search: a
// page of 100 hits with their snippets takes about 160 kB, whatever the
// size of the text it was found in.
const maxSearchAlloc = 384 << 10

// TestSearchMemoryIsBounded: a word found in every paragraph of every
// revision costs a search about the same memory on three revisions of the
// largest draft the API takes (12 MB of text) as on one of 600 paragraphs
// (2.4 MB, enough for the deepest page), not five times as much, and at
// most maxSearchAlloc for the largest page and the deepest one. The store ranks and pages, and the
// server holds one page.
func TestSearchMemoryIsBounded(t *testing.T) {
	a := newUnlimitedAPIServer(t)
	h := a.s.Handler()
	ctx := t.Context()
	put := func(paragraphs, revisions int) string {
		id, code := uniqueID("large")
		if err := stack.store.PutProcess(ctx, process.Process{ID: id, TemplateID: "test", Title: "Large " + id,
			Code: code, Phase: "negotiations", Status: "running", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		draft := storetest.LargeDraft(t, paragraphs)
		for range revisions {
			if _, err := stack.store.PutRevision(ctx, store.Revision{ProcessID: id, Revision: *draft, Language: "en", IssuedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	small, large := put(600, 1), put(1000, 3)
	for _, q := range []string{"Charter", "Charter&limit=100", "Charter&limit=100&offset=400"} {
		inSmall := allocated(t, h, "/v1/processes/"+small+"/search?q="+q)
		inLarge := allocated(t, h, "/v1/processes/"+large+"/search?q="+q)
		t.Logf("%s: %d bytes in 600 paragraphs, %d in 3000", q, inSmall, inLarge)
		if inLarge > maxSearchAlloc || inLarge > 2*inSmall {
			t.Errorf("%s allocated %d bytes in 3000 paragraphs, %d in 600; want at most %d, and not growing with the text",
				q, inLarge, inSmall, maxSearchAlloc)
		}
	}
}
