package api

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/storetest"
)

// allocated is the least memory, over many calls after a first one (which
// may prepare the store's statements), that one call of h allocates
// serving path: other goroutines of the test process (the embedded
// Temporal server, workflows of earlier tests) allocate too, in bursts, and
// only ever add to a call's count; a CI run saw the least of 8 calls still
// 2.4 times the true figure.
func allocated(t *testing.T, h http.Handler, path string) uint64 {
	t.Helper()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	least := ^uint64(0)
	for range 32 {
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

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestStalledStreamsHoldBoundedMemory: while a hundred clients stop
// reading their event streams and the record grows by twice what a
// follower keeps, in entries of 2 kB, the server queues nothing for each:
// a stalled stream waits in its write, as on a full TCP window, holding
// a slice of its follower's entries. The live heap grows by at most two
// of a follower's windows and 64 kB a stream (it grows by about 2.5 MB in
// all; the rest is room for the test process's other goroutines), not
// with the backlog of each client (a hundred times 2.3 MB); when a client reads again, it
// gets every entry, in order, and the others' streams end as they close.
func TestStalledStreamsHoldBoundedMemory(t *testing.T) {
	s := New(Options{Temporal: stack.temporal, Store: stack.store})
	b := newBroadcaster(stack.store, zap.NewNop())
	var stalled atomic.Bool
	resume := make(chan struct{})
	stream := s.allow(s.streamEvents(b))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /events/{id}", func(w http.ResponseWriter, r *http.Request) {
		stream(stalledWriter{ResponseWriter: w, stalled: &stalled, resume: resume}, r)
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	release := sync.OnceFunc(func() { close(resume) })
	t.Cleanup(release) // before Close, which waits for the streams
	id := seedRecord(t)

	const clients, appended, entryData = 100, 2*followerMemory + 100, 2 << 10
	streams := make([]*sseStream, clients)
	for i := range streams {
		streams[i] = openStream(t, hs.URL+"/events/"+id)
		streams[i].want(1, 2, 3)
	}
	stalled.Store(true)
	before := heapInUse()
	data := `{"text":"` + strings.Repeat("x", entryData) + `"}`
	for range appended {
		key, _ := uniqueID("test.large")
		if _, err := stack.store.Append(t.Context(), process.RecordEvent{ProcessID: id, Key: key, StageID: "ts1",
			Event: "test.large", At: time.Now(), Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	head := int64(3 + appended)
	stacktest.Await(t, awaitTimeout, "the follower at the record's head", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		f := b.followers[id]
		return f != nil && f.base+int64(len(f.recent)) == head
	})
	grown := int64(heapInUse()) - int64(before)
	window := int64(followerMemory * entryData)
	t.Logf("%d streams stalled while the record grew by %d entries of %d bytes: the heap grew by %d bytes", clients, appended, entryData, grown)
	if limit := 2*window + clients*(64<<10); grown > limit {
		t.Errorf("the heap grew by %d bytes while %d streams stalled; want at most %d (two follower windows of %d and 64 kB a stream)",
			grown, clients, limit, window)
	}

	for _, st := range streams[1:] {
		st.close() // their streams end at their next write
	}
	release()
	for seq := 4; seq <= int(head); seq++ {
		streams[0].want(seq)
	}
}
