package api

import (
	"cmp"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// atomEntries is how many of the latest record entries the feed carries.
const atomEntries = 100

// Atom (RFC 4287) elements; the feed element's namespace is the default
// one of all the others.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID       string       `xml:"id"`
	Title    string       `xml:"title"`
	Updated  string       `xml:"updated"`
	Category atomCategory `xml:"category"`
	Link     atomLink     `xml:"link"`
	Content  atomText     `xml:"content"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// getAtomFeed serves the latest record entries, newest first. Its links are
// relative: resolved against the feed's own address, they need no trust in
// a Host header.
func (s *Server) getAtomFeed(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.PathValue("id")
	p, stages, err := s.processStages(ctx, id)
	var entries []process.RecordEntry
	if err == nil {
		entries, err = s.store.LastEntries(ctx, id, atomEntries)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	titles := map[string]string{"": p.Title}
	for _, st := range stages {
		titles[st.Spec.ID] = st.Spec.Title
	}
	base := "/v1/processes/" + id
	feed := atomFeed{
		ID: "urn:compact:process:" + id, Title: p.Title + ": record", Updated: atomTime(p.CreatedAt),
		Author: atomPerson{Name: "Compact"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + "/feed.atom"},
			{Rel: "alternate", Type: "application/json", Href: base + "/record"},
		},
	}
	if len(entries) > 0 {
		feed.Updated = atomTime(entries[len(entries)-1].RecordedAt)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		feed.Entries = append(feed.Entries, atomEntry{
			ID:    fmt.Sprintf("urn:compact:process:%s:record:%d", id, e.Seq),
			Title: describeEvent(e, titles[e.StageID]), Updated: atomTime(e.RecordedAt),
			Category: atomCategory{Term: e.Event},
			Link:     atomLink{Rel: "alternate", Type: "application/json", Href: fmt.Sprintf("%s/record?after=%d&limit=1", base, e.Seq-1)},
			Content: atomText{Type: "text", Body: fmt.Sprintf("%s\n\nAt: %s\nData: %s\nHash: %s",
				describeEvent(e, titles[e.StageID]), e.At.UTC().Format(time.RFC3339), e.Data, e.Hash)},
		})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, _ = io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		s.log.Warn("writing the Atom feed failed", zap.String("process", id), zap.Error(err))
	}
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// describeEvent is a line of text for an entry: "Thematic session 1:
// rescheduled from 2018-05-22 to 2018-05-24".
func describeEvent(e process.RecordEntry, title string) string {
	var d struct {
		Revision, Count, Amendments *int
		From, To, State, Reason     string
	}
	data, _ := event.Decode(event.Name(e.Event), []byte(e.Data)) // data it cannot read leaves the event's name alone
	switch v := data.(type) {
	case *event.DraftPublishedData:
		d.Revision = &v.Revision
	case *event.AmendmentsClosedData:
		d.Revision, d.Amendments = &v.Revision, &v.Amendments
	case *event.Seal:
		d.Count = &v.Count
	case *event.ScheduleChange:
		d.From, d.To, d.Reason = v.From, v.To, v.Reason
	case *event.WindowMovedData:
		d.From, d.To, d.Reason = v.From.Format(time.RFC3339Nano), v.To.Format(time.RFC3339Nano), v.Reason
	case *event.Appointment:
		d.State, d.Reason = v.State, v.Reason
	case *event.SilenceBrokenData:
		d.State = v.State
	case *event.ObjectionData:
		d.State = v.State
	}
	what, verb, found := strings.Cut(e.Event, ".")
	if found && (what == "stage" || what == "process") {
		what = verb // "stage.started" is "started"
	} else {
		what = strings.ReplaceAll(e.Event, ".", " ")
	}
	var b strings.Builder
	b.WriteString(cmp.Or(title, e.StageID) + ": " + what)
	if d.Revision != nil {
		fmt.Fprintf(&b, " (revision %d)", *d.Revision)
	}
	if d.State != "" {
		fmt.Fprintf(&b, " (%s)", d.State)
	}
	if d.From != "" {
		b.WriteString(" from " + d.From)
	}
	if d.To != "" {
		b.WriteString(" to " + d.To)
	}
	if d.Count != nil {
		fmt.Fprintf(&b, ", %d received", *d.Count)
	}
	if d.Amendments != nil {
		fmt.Fprintf(&b, ", %d amendments", *d.Amendments)
	}
	if d.Reason != "" {
		b.WriteString(". Reason: " + d.Reason)
	}
	return b.String()
}

// Server-sent events follow the record. One follower per process polls the
// store for all of that process's subscribers, so that a thousand observers
// cost one query per pollInterval, and no stream holds a database
// connection while it waits.
const (
	pollInterval   = 250 * time.Millisecond
	pingInterval   = 15 * time.Second
	followerMemory = 512 // recent entries a follower keeps for its subscribers
)

// broadcaster keeps the followers of the processes being streamed.
type broadcaster struct {
	store store.Record
	log   *zap.Logger
	poll  time.Duration
	ping  time.Duration
	done  chan struct{} // closed when the server shuts down

	mu        sync.Mutex
	followers map[string]*follower
	hooked    map[*http.Server]bool
	closed    bool
}

// follower polls one process's record. Its fields are guarded by the
// broadcaster's mutex.
type follower struct {
	subscribers int
	stop        chan struct{}
	// recent holds the entries after base, in order. Entries are never
	// changed in place, so subscribers may read a slice of it unlocked.
	base   int64
	recent []process.RecordEntry
	wake   chan struct{} // closed, then replaced, when entries arrive
}

func newBroadcaster(st store.Record, log *zap.Logger) *broadcaster {
	return &broadcaster{store: st, log: log, poll: pollInterval, ping: pingInterval, done: make(chan struct{}),
		followers: map[string]*follower{}, hooked: map[*http.Server]bool{}}
}

// subscribe joins the process's follower, starting one at seq after.
func (b *broadcaster) subscribe(processID string, after int64) (*follower, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, process.Errorf("api.subscribe", process.Unavailable, "the server is shutting down")
	}
	f := b.followers[processID]
	if f == nil {
		f = &follower{base: after, stop: make(chan struct{}), wake: make(chan struct{})}
		b.followers[processID] = f
		go b.follow(processID, f)
	}
	f.subscribers++
	return f, nil
}

// unsubscribe leaves the follower, which stops with its last subscriber.
func (b *broadcaster) unsubscribe(processID string, f *follower) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if f.subscribers--; f.subscribers == 0 {
		delete(b.followers, processID)
		close(f.stop)
	}
}

// since is what f holds after seq and the channel that closes when more
// arrives; ok is false when f no longer holds all that follows seq.
func (b *broadcaster) since(f *follower, seq int64) (entries []process.RecordEntry, wake <-chan struct{}, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if seq < f.base {
		return nil, f.wake, false
	}
	if i := seq - f.base; i < int64(len(f.recent)) {
		entries = f.recent[i:]
	}
	return entries, f.wake, true
}

func (b *broadcaster) follow(processID string, f *follower) {
	t := time.NewTicker(b.poll)
	defer t.Stop()
	for behind := false; ; {
		if !behind { // a full page came: read on at once
			select {
			case <-f.stop:
				return
			case <-b.done:
				return
			case <-t.C:
			}
		}
		b.mu.Lock()
		head := f.base + int64(len(f.recent))
		b.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*b.poll)
		entries, err := b.store.EntriesPage(ctx, processID, head, followerMemory)
		cancel()
		behind = err == nil && len(entries) == followerMemory
		if err != nil {
			b.log.Warn("following the record failed; retrying", zap.String("process", processID), zap.Error(err))
			continue
		}
		if len(entries) == 0 {
			continue
		}
		b.mu.Lock()
		f.recent = append(f.recent, entries...)
		if n := len(f.recent) - followerMemory; n > 0 {
			f.base += int64(n)
			f.recent = append([]process.RecordEntry(nil), f.recent[n:]...)
		}
		close(f.wake)
		f.wake = make(chan struct{})
		b.mu.Unlock()
	}
}

// hook ends b's streams when the server serving r shuts down: Shutdown
// waits for requests to end, and a stream does not end by itself.
func (b *broadcaster) hook(r *http.Request) {
	srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server)
	if !ok {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.hooked[srv] {
		b.hooked[srv] = true
		srv.RegisterOnShutdown(b.shutdown)
	}
}

func (b *broadcaster) shutdown() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		close(b.done)
	}
}

// streamEvents serves text/event-stream: the entries after Last-Event-ID
// (or ?after=), then each new one as it is recorded, with a comment every
// pingInterval to keep proxies from closing an idle stream.
func (s *Server) streamEvents(b *broadcaster) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, id := r.Context(), r.PathValue("id")
		cursor, err := nonNegativeParam(r, "after", 0)
		if last := r.Header.Get("Last-Event-ID"); last != "" && err == nil {
			if cursor, err = strconv.ParseInt(last, 10, 64); err != nil || cursor < 0 {
				err = process.Errorf("api.streamEvents", process.Invalid, "Last-Event-ID %q is not a record seq", last)
			}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if _, err := s.store.GetProcess(ctx, id); err != nil {
			s.fail(w, r, err)
			return
		}
		// The backlog goes out a page at a time, as does a stream that falls
		// behind its follower.
		backlog, err := s.store.EntriesPage(ctx, id, cursor, followerMemory)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(backlog) > 0 {
			cursor = backlog[len(backlog)-1].Seq
		}
		b.hook(r)
		f, err := b.subscribe(id, cursor)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer b.unsubscribe(id, f)

		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives any write timeout
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no") // nginx would hold events back
		w.WriteHeader(http.StatusOK)
		ping := time.NewTicker(b.ping)
		defer ping.Stop()
		for entries := backlog; ; {
			if err := writeEvents(w, entries); err != nil {
				return
			}
			if len(entries) > 0 {
				cursor = entries[len(entries)-1].Seq
			}
			if err := rc.Flush(); err != nil {
				return
			}
			var wake <-chan struct{}
			var ok bool
			if entries, wake, ok = b.since(f, cursor); !ok { // fell behind what the follower keeps
				if entries, err = s.store.EntriesPage(ctx, id, cursor, followerMemory); err != nil {
					s.log.Warn("reading the record for a stream failed", zap.String("process", id), zap.Error(err))
					return
				}
			}
			if len(entries) > 0 {
				continue
			}
			select {
			case <-ctx.Done():
				return
			case <-b.done:
				return
			case <-wake:
			case <-ping.C:
				if _, err := io.WriteString(w, ": ping\n\n"); err != nil {
					return
				}
			}
		}
	}
}

// writeEvents writes entries as events named by their event, with their
// seq as the ID a client resumes from.
func writeEvents(w io.Writer, entries []process.RecordEntry) error {
	for _, e := range entries {
		data, err := json.Marshal(newRecordEntry(e))
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.Seq, e.Event, data); err != nil {
			return err
		}
	}
	return nil
}
