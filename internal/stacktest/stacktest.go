// Package stacktest runs the stack that the API's, the pages' and the
// browser's tests share: an embedded Temporal server, a worker and a SQLite
// record store in a temporary directory, started once per test binary from
// TestMain. Each test makes its own processes, under IDs of its own
// (UniqueID), often from Template.
//
// It cannot import package api, whose own tests use it: the caller makes
// tokens with api.NewToken, and Issue stores them.
package stacktest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
	"github.com/compact-un/compact/temporal/embedded"
	"github.com/compact-un/compact/worker"
)

// Options shape a Stack; the zero value is the stack compact serve runs,
// without a mail server.
type Options struct {
	// Logger is the Temporal client's, and so the workflows'; nil keeps
	// the SDK's.
	Logger log.Logger
	// Senders deliver the notifications; nil records email as skipped.
	Senders notify.Senders
}

// Stack is a running embedded Temporal server, worker and record store.
type Stack struct {
	Temporal client.Client
	Store    store.Store

	stops []func() // in the order they were started
}

// Start starts a stack in a new temporary directory. Close stops it and
// removes the directory.
func Start(o Options) (_ *Stack, err error) {
	s := &Stack{}
	defer func() {
		if err != nil {
			s.Close()
			err = fmt.Errorf("starting the test stack: %w", err)
		}
	}()
	dir, err := os.MkdirTemp("", "compact-test-")
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() { _ = os.RemoveAll(dir) })
	srv, err := embedded.Start(embedded.Options{DataDir: filepath.Join(dir, "temporal"), Namespace: "default"})
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() { _ = srv.Stop() })
	if s.Temporal, err = client.Dial(client.Options{HostPort: srv.Address(), Namespace: "default", Logger: o.Logger}); err != nil {
		return nil, err
	}
	s.stops = append(s.stops, s.Temporal.Close)
	db, err := sqlite.Open(filepath.Join(dir, "compact.db"))
	if err != nil {
		return nil, err
	}
	s.Store = db
	s.stops = append(s.stops, func() { _ = db.Close() })
	var w worker.Workers
	if o.Senders == nil {
		w = worker.New(s.Temporal, activities.New(db))
	} else {
		w = worker.NewWith(s.Temporal, activities.New(db), &activities.Deliverer{Store: db, Senders: o.Senders})
	}
	if err := w.Start(); err != nil {
		return nil, err
	}
	s.stops = append(s.stops, w.Stop)
	return s, nil
}

// Close stops what Start started, the last first.
func (s *Stack) Close() {
	for _, stop := range slices.Backward(s.stops) {
		stop()
	}
	s.stops = nil
}

// Issue stores a token that api.NewToken made (err is NewToken's) in db
// and returns its secret, for a test to call the API or sign in with.
func Issue(t testing.TB, db store.Store, secret string, tok store.Token, err error) string {
	t.Helper()
	if err == nil {
		err = db.CreateToken(context.Background(), tok)
	}
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// Recorded reports whether a stage's event is in a process's record in db
// (stage "" is the process's own events).
func Recorded(db store.Store, processID, stageID, event string) bool {
	entries, err := db.Entries(context.Background(), processID, 0)
	return err == nil && slices.ContainsFunc(entries, func(e process.RecordEntry) bool {
		return e.StageID == stageID && e.Event == event
	})
}

// Await polls cond until it holds, failing the test after within with what
// it was waiting for: a safety net against a hang, not a timing assertion.
func Await(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	Eventually(t, within, func() error {
		if !cond() {
			return fmt.Errorf("still waiting for %s", what)
		}
		return nil
	})
}

// Eventually calls f until it returns nil, failing the test after within
// with f's last error, which says what the wait was for and what it saw.
func Eventually(t testing.TB, within time.Duration, f func() error) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(50 * time.Millisecond) { // the poll's interval
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %v", within, err)
		}
	}
}

var uniq atomic.Int64

// UniqueID makes a process ID and a tracking code that no other test of the
// binary uses.
func UniqueID(prefix string) (id, code string) {
	n := uniq.Add(1)
	return fmt.Sprintf("%s-%d", prefix, n), fmt.Sprintf("T%d", n)
}

// Days makes a template's dates: day n after start, to the second.
func Days(start time.Time) func(n float64) process.Date {
	return func(n float64) process.Date {
		return process.Date{Time: start.Add(time.Duration(n * float64(24*time.Hour))).UTC().Truncate(time.Second)}
	}
}

// Template is a small process that begins at start, in real time: an
// accreditation window and a thematic session's window, both open from
// start; a round between two drafts; a conference and an endorsement.
func Template(id, code string, start time.Time) process.Template {
	d := Days(start)
	return process.Template{
		ID: id, Title: "Test process " + id, Code: code,
		Rules: process.Rules{NonObjectionDays: 2, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{
			{ID: "consultations", Title: "Consultations", Stages: []process.StageSpec{
				{ID: "acc", Kind: process.AccreditationWindow, Code: "ACC", Title: "Accreditation",
					Start: d(0), End: d(3), Window: &process.Window{Opens: d(0), Closes: d(3)}},
				{ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Thematic session 1", Theme: "Human rights",
					Place: "Geneva", Start: d(10), End: d(11), Window: &process.Window{Opens: d(0), Closes: d(10)}},
			}},
			{ID: "negotiations", Title: "Negotiations", Stages: []process.StageSpec{
				{ID: "zero", Kind: process.Draft, Title: "Zero draft", Start: d(20)},
				{ID: "round1", Kind: process.NegotiationRound, Title: "First round", Place: "New York", Start: d(21), End: d(22)},
				{ID: "rev1", Kind: process.Draft, Title: "Revision 1", Start: d(30)},
			}},
			{ID: "adoption", Title: "Adoption", Stages: []process.StageSpec{
				{ID: "conference", Kind: process.Conference, Title: "Conference", Place: "Marrakech", Start: d(40),
					Outcome: &process.Outcome{Method: "consensus", Adopted: 150}},
				{ID: "endorsement", Kind: process.Endorsement, Title: "Endorsement", Place: "New York", Start: d(50),
					Outcome: &process.Outcome{Method: "recorded-vote", Yes: 100, No: 2, NoVotes: []string{"HUN", "USA"}}},
			}},
		},
	}
}
