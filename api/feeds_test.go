package api

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// appendEvents appends n events to a process's record through the store.
func appendEvents(t *testing.T, processID, event string, n int) {
	t.Helper()
	for range n {
		key, _ := uniqueID(event)
		if _, err := stack.store.Append(context.Background(), process.RecordEvent{ProcessID: processID,
			Key: key, StageID: "ts1", Event: event, At: time.Now(), Data: `{}`}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAtomFeed(t *testing.T) {
	a := newAPIServer(t)
	id := seedRecord(t)
	appendEvents(t, id, "test.tick", atomEntries-2) // one more entry than the feed carries
	res := a.do("GET", "/v1/processes/"+id+"/feed.atom", "", nil)
	wantStatus(t, "feed", res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"http://www.w3.org/2005/Atom id"`
		Title   string   `xml:"http://www.w3.org/2005/Atom title"`
		Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
		Author  string   `xml:"http://www.w3.org/2005/Atom author>name"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Entries []struct {
			ID      string `xml:"http://www.w3.org/2005/Atom id"`
			Title   string `xml:"http://www.w3.org/2005/Atom title"`
			Updated string `xml:"http://www.w3.org/2005/Atom updated"`
			Content struct {
				Type string `xml:"type,attr"`
				Body string `xml:",chardata"`
			} `xml:"http://www.w3.org/2005/Atom content"`
		} `xml:"http://www.w3.org/2005/Atom entry"`
	}
	if err := xml.Unmarshal(res.Body, &feed); err != nil {
		t.Fatalf("%v\n%s", err, res.Body)
	}
	if feed.ID != "urn:compact:process:"+id || feed.Title == "" || feed.Author == "" || len(feed.Links) != 2 ||
		feed.Links[0].Rel != "self" || feed.Links[0].Href != "/v1/processes/"+id+"/feed.atom" {
		t.Fatalf("feed: %+v", feed)
	}
	if len(feed.Entries) != atomEntries {
		t.Fatalf("%d entries, want %d", len(feed.Entries), atomEntries)
	}
	newest, oldest := feed.Entries[0], feed.Entries[len(feed.Entries)-1]
	if newest.ID != fmt.Sprintf("urn:compact:process:%s:record:%d", id, atomEntries+1) || newest.Updated != feed.Updated {
		t.Errorf("newest entry %+v, feed updated %s", newest, feed.Updated)
	}
	if _, err := time.Parse(time.RFC3339, newest.Updated); err != nil {
		t.Error(err)
	}
	if oldest.ID != fmt.Sprintf("urn:compact:process:%s:record:2", id) {
		t.Errorf("oldest entry %s", oldest.ID)
	}
	closed := feed.Entries[len(feed.Entries)-2]
	if closed.Title != "ts1: window closed, 3 received" || closed.Content.Type != "text" ||
		!strings.Contains(closed.Content.Body, `Data: {"count":3,`) {
		t.Errorf("window.closed entry: %+v", closed)
	}
	wantStatus(t, "unknown process", a.do("GET", "/v1/processes/nope/feed.atom", "", nil), http.StatusNotFound)
}

func TestDescribeEvent(t *testing.T) {
	for _, tc := range []struct {
		event, data, title, want string
	}{
		{"process.created", `{"title":"GCM"}`, "Global compact", "Global compact: created"},
		{"stage.rescheduled", `{"from":"2018-05-22","to":"2018-05-24","reason":"venue","seq":1}`, "Thematic session 1",
			"Thematic session 1: rescheduled from 2018-05-22 to 2018-05-24. Reason: venue"},
		{"draft.published", `{"revision":1,"sha256":"ab"}`, "Revision 1", "Revision 1: draft published (revision 1)"},
		{"amendments.closed", `{"revision":0,"amendments":12}`, "Zero draft", "Zero draft: amendments closed (revision 0), 12 amendments"},
		{"co-facilitator.appointed", `{"state":"MEX","seq":"MEX"}`, "GCM", "GCM: co-facilitator appointed (MEX)"},
		{"odd.event", `not json`, "", "stage: odd event"},
	} {
		e := process.RecordEntry{RecordEvent: process.RecordEvent{StageID: "stage", Event: tc.event, Data: tc.data}}
		if got := describeEvent(e, tc.title); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.event, got, tc.want)
		}
	}
}

// sseEvent is one server-sent event.
type sseEvent struct {
	ID, Event, Data string
}

// sseStream reads a text/event-stream response.
type sseStream struct {
	t    *testing.T
	body io.ReadCloser
	r    *bufio.Reader
}

func openStream(t *testing.T, url string, header ...string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), awaitTimeout)
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("stream: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	s := &sseStream{t: t, body: res.Body, r: bufio.NewReader(res.Body)}
	t.Cleanup(func() { s.close(); cancel() })
	return s
}

func (s *sseStream) close() { _ = s.body.Close() }

// line reads one line without its newline.
func (s *sseStream) line() string {
	s.t.Helper()
	l, err := s.r.ReadString('\n')
	if err != nil {
		s.t.Fatalf("stream: %v", err)
	}
	return strings.TrimSuffix(l, "\n")
}

// next reads the next event, skipping comments.
func (s *sseStream) next() sseEvent {
	s.t.Helper()
	var ev sseEvent
	for {
		l := s.line()
		field, value, _ := strings.Cut(l, ": ")
		switch field {
		case "":
			if ev != (sseEvent{}) {
				return ev
			}
		case "id":
			ev.ID = value
		case "event":
			ev.Event = value
		case "data":
			ev.Data = value
		}
	}
}

// want reads the next events and checks their seqs and names.
func (s *sseStream) want(seqs ...int) {
	s.t.Helper()
	for _, seq := range seqs {
		ev := s.next()
		var e wire.RecordEntry
		if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
			s.t.Fatalf("event %+v: %v", ev, err)
		}
		if ev.ID != fmt.Sprint(seq) || e.Seq != int64(seq) || ev.Event != e.Event || e.Hash == "" {
			s.t.Fatalf("event %+v, want seq %d", ev, seq)
		}
	}
}

func TestEventStream(t *testing.T) {
	a := newAPIServer(t)
	id := seedRecord(t)
	url := a.hs.URL + "/v1/processes/" + id + "/events"

	live := openStream(t, url)
	live.want(1, 2, 3)
	appendEvents(t, id, "test.appended", 1)
	live.want(4)
	live.close()

	resumed := openStream(t, url, "Last-Event-ID", "4")
	appendEvents(t, id, "test.appended", 1)
	resumed.want(5)
	openStream(t, url+"?after=1").want(2, 3, 4, 5)
	openStream(t, url+"?after=1", "Last-Event-ID", "3").want(4, 5)

	wantStatus(t, "bad Last-Event-ID", a.do("GET", "/v1/processes/"+id+"/events", "", nil, "Last-Event-ID", "x"), http.StatusBadRequest)
	wantStatus(t, "unknown process", a.do("GET", "/v1/processes/nope/events", "", nil), http.StatusNotFound)
}

// One follower serves all of a process's streams, and stops with the last.
func TestEventStreamsShareAFollower(t *testing.T) {
	b := newBroadcaster(stack.store, zap.NewNop())
	b.ping = 20 * time.Millisecond
	a := newAPIServer(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /events/{id}", a.s.allow(a.s.streamEvents(b)))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	id := seedRecord(t)

	first, second := openStream(t, hs.URL+"/events/"+id), openStream(t, hs.URL+"/events/"+id+"?after=2")
	first.want(1, 2, 3)
	second.want(3)
	for l := second.line(); l != ": ping"; l = second.line() {
	}
	b.mu.Lock()
	followers := len(b.followers)
	b.mu.Unlock()
	if followers != 1 {
		t.Errorf("%d followers for one process", followers)
	}
	appendEvents(t, id, "test.appended", 1)
	first.want(4)
	second.want(4)
	first.close()
	second.close()
	stacktest.Await(t, awaitTimeout, "the follower to stop with its streams", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.followers) == 0
	})
}

func TestFollowerSince(t *testing.T) {
	b := newBroadcaster(nil, zap.NewNop())
	f := &follower{base: 10, recent: []process.RecordEntry{{Seq: 11}, {Seq: 12}}, wake: make(chan struct{})}
	for _, tc := range []struct {
		after int64
		want  []int64
		ok    bool
	}{
		{5, nil, false}, // fell behind: read the store
		{10, []int64{11, 12}, true},
		{11, []int64{12}, true},
		{12, nil, true},
		{20, nil, true}, // ahead of the follower: wait for it
	} {
		entries, wake, ok := b.since(f, tc.after)
		var seqs []int64
		for _, e := range entries {
			seqs = append(seqs, e.Seq)
		}
		if ok != tc.ok || fmt.Sprint(seqs) != fmt.Sprint(tc.want) || wake == nil {
			t.Errorf("since(%d) = %v, %v; want %v, %v", tc.after, seqs, ok, tc.want, tc.ok)
		}
	}
}

func TestEventStreamEndsOnShutdown(t *testing.T) {
	s := New(Options{Temporal: stack.temporal, Store: stack.store})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	id := seedRecord(t)
	stream := openStream(t, "http://"+l.Addr().String()+"/v1/processes/"+id+"/events")
	stream.want(1, 2, 3)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with a stream open: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(stream.r); err != nil {
		t.Fatalf("the stream did not end cleanly: %v", err)
	}
}

// recordReads is the store, keeping the largest read of a record's entries
// that anyone asked or got, and how many times a whole record was read.
type recordReads struct {
	store.Store
	mu      sync.Mutex
	largest int
	whole   int
}

func (r *recordReads) EntriesPage(ctx context.Context, processID string, after int64, limit int) ([]process.RecordEntry, error) {
	es, err := r.Store.EntriesPage(ctx, processID, after, limit)
	r.mu.Lock()
	r.largest = max(r.largest, limit, len(es))
	r.mu.Unlock()
	return es, err
}

func (r *recordReads) Entries(ctx context.Context, processID string, after int64) ([]process.RecordEntry, error) {
	r.mu.Lock()
	r.whole++
	r.mu.Unlock()
	return r.Store.Entries(ctx, processID, after)
}

// stalledWriter is a client that stopped reading: once stalled, every
// write waits, as one to a full TCP window does, until resume is closed.
type stalledWriter struct {
	http.ResponseWriter
	stalled *atomic.Bool
	resume  <-chan struct{}
}

func (w stalledWriter) Write(p []byte) (int, error) {
	if w.stalled.Load() {
		<-w.resume
	}
	return w.ResponseWriter.Write(p)
}

func (w stalledWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// TestSlowStreamIsBounded: while a client stops reading its stream and the
// record grows by twice what a follower keeps, the server keeps no more
// than followerMemory entries of the process and reads none but pages of
// that size; when the client reads again it gets every entry, in order.
func TestSlowStreamIsBounded(t *testing.T) {
	reads := &recordReads{Store: stack.store}
	s := New(Options{Temporal: stack.temporal, Store: reads})
	b := newBroadcaster(reads, zap.NewNop())
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
	t.Cleanup(release) // before Close, which waits for the stream
	id := seedRecord(t)

	slow := openStream(t, hs.URL+"/events/"+id)
	slow.want(1, 2, 3)
	stalled.Store(true)
	const appended = 2*followerMemory + 100
	appendEvents(t, id, "test.appended", appended)
	head := int64(3 + appended)
	held := 0
	stacktest.Await(t, awaitTimeout, "the follower at the record's head", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		f := b.followers[id]
		if f == nil {
			return false
		}
		held = len(f.recent)
		return f.base+int64(held) == head
	})
	if held != followerMemory {
		t.Errorf("the follower holds %d entries while a stream is %d behind; want %d", held, appended, followerMemory)
	}

	release()
	for seq := 4; seq <= int(head); seq++ {
		slow.want(seq)
	}
	reads.mu.Lock()
	defer reads.mu.Unlock()
	if reads.largest > followerMemory || reads.whole > 0 {
		t.Errorf("the largest read of the record was %d entries, and %d read it whole; want at most %d, and none",
			reads.largest, reads.whole, followerMemory)
	}
}
