package crash_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
)

// onceEvents happen at most once per stage (or once per process, for the
// process's own events): a second one would mean a stage ran twice.
var onceEvents = []string{
	"process.created", "process.completed",
	"stage.started", "stage.announced", "session.opened", "session.held",
	"window.opened", "window.closed", "summary.recorded",
	"milestone.reached", "stage.completed", "stage.failed", "stage.cancelled",
}

// findings are what the end of the run found: failures fail the test.
type findings struct {
	t        *testing.T
	failures []string
}

func (f *findings) fail(format string, args ...any) {
	f.failures = append(f.failures, fmt.Sprintf(format, args...))
}

// summary is the run's figures.
type summary struct {
	acked, recovered, replayed, present, duplicates, lost, refused, probesRefused, unresolved int
	windows, closedWhileDown, reopened                                                        int
	maxSealLag                                                                                time.Duration
	// The workflows' lag: how long after its time an event was recorded, or
	// after the server was up again when its time fell while it was down.
	maxEventLag   time.Duration
	maxEventLagOf string
	lateEvents    int // timed events recorded over 5 s late
	// The windows as the intake showed them to contributors. Opening: how
	// long after a window was due (and the server up) the intake still
	// refused it as not open, and (counting only the server's up time)
	// took its first contribution; how many windows refused as not open
	// over a second after they were due.
	maxOpenRefusalLag, maxFirstAcceptLag time.Duration
	openedLate                           int
	// Closing: the latest contribution taken before a deadline, and how long
	// before its deadline the earliest refusal as late came.
	minLastAcceptLead, maxEarlyRefusal time.Duration
	// The workflows' window.opened entries over a second late; after their
	// deadline: the record, not the intake.
	recordedOpenLate, recordedOpenAfterDeadline int
}

// fetch reads the whole final state: stages and their windows, every
// contribution and the whole record.
func (r *run) fetchStages(t *testing.T) []stageDetail {
	var stages []process.Stage
	r.c.must(t, "GET", "/v1/processes/"+r.id+"/stages", "", nil, http.StatusOK).decode(t, &stages)
	out := make([]stageDetail, len(stages))
	for i, s := range stages {
		r.c.must(t, "GET", "/v1/processes/"+r.id+"/stages/"+s.Spec.ID, "", nil, http.StatusOK).decode(t, &out[i])
	}
	return out
}

func (r *run) fetchContributions(t *testing.T) []contribution {
	var all []contribution
	after := ""
	for {
		var page struct {
			Contributions []contribution `json:"contributions"`
			Next          string         `json:"next"`
		}
		r.c.must(t, "GET", "/v1/processes/"+r.id+"/contributions?limit=500&after="+url.QueryEscape(after), "", nil,
			http.StatusOK).decode(t, &page)
		all = append(all, page.Contributions...)
		if page.Next == "" {
			return all
		}
		after = page.Next
	}
}

func (r *run) fetchRecord(t *testing.T) []recordEntry {
	var all []recordEntry
	after := int64(0)
	for {
		var page struct {
			Entries []recordEntry `json:"entries"`
			Next    int64         `json:"next"`
		}
		r.c.must(t, "GET", fmt.Sprintf("/v1/processes/%s/record?limit=10000&after=%d", r.id, after), "", nil,
			http.StatusOK).decode(t, &page)
		all = append(all, page.Entries...)
		if page.Next == 0 {
			return all
		}
		after = page.Next
	}
}

// verify runs every end-of-run check and returns the figures.
func (r *run) verify(t *testing.T) summary {
	f := &findings{t: t}
	var sum summary
	stages := r.fetchStages(t)
	rows := r.fetchContributions(t)
	record := r.fetchRecord(t)
	attempts := r.ledger.all()

	// 1. Contributions: each acknowledged one present once with its
	// receipt; a refused one absent; no key twice.
	byTitle := map[string][]contribution{}
	for _, c := range rows {
		byTitle[c.Title] = append(byTitle[c.Title], c)
	}
	keys := map[string]*attempt{}
	for _, a := range attempts {
		keys[a.title] = a
	}
	for title, cs := range byTitle {
		if keys[title] == nil {
			f.fail("a stored contribution no submitter sent: %+v", cs[0])
		}
		if len(cs) > 1 {
			sum.duplicates += len(cs) - 1
			f.fail("%d rows for one Idempotency-Key (%s): %+v", len(cs), title, cs)
		}
	}
	sum.present = len(rows)
	for _, a := range attempts {
		cs := byTitle[a.title]
		switch a.outcome {
		case acked:
			sum.acked++
			if a.broke > 0 {
				sum.recovered++
			}
			if a.status == http.StatusOK {
				sum.replayed++ // stored before the crash, its answer lost
			}
			if a.receipt.SHA256 != a.sha256() {
				f.fail("%s: receipt hash %s, want the SHA-256 of the content %s", a.key, a.receipt.SHA256, a.sha256())
			}
			switch {
			case len(cs) == 0:
				sum.lost++
				f.fail("LOST: %s acknowledged with receipt %+v (status %d after %d tries) is not stored", a.key, a.receipt, a.status, a.tries)
			case cs[0].Tracking != a.receipt.Tracking || cs[0].SHA256 != a.receipt.SHA256 ||
				!cs[0].SubmittedAt.Equal(a.receipt.SubmittedAt) || cs[0].StageID != a.stage || cs[0].Party != a.party:
				f.fail("%s: stored %+v, but its receipt was %+v for stage %s", a.key, cs[0], a.receipt, a.stage)
			}
		case refusedEnd, refusedPre:
			sum.refused++
			if a.probe && a.outcome == refusedEnd {
				sum.probesRefused++
			}
			if len(cs) > 0 {
				f.fail("%s was refused (%s) but is stored: %+v", a.key, a.detail, cs)
			}
		case unexpected:
			f.fail("%s to %s: unexpected answer %s", a.key, a.stage, a.detail)
		case unresolved:
			sum.unresolved++
			f.fail("%s to %s: no definitive answer by the end of the run (%d tries)", a.key, a.stage, a.tries)
		}
	}

	// 2. The record: verified, no key twice, no stage event twice.
	var v struct {
		Verified bool   `json:"verified"`
		Entries  int    `json:"entries"`
		Error    string `json:"error"`
	}
	r.c.must(t, "GET", "/v1/processes/"+r.id+"/record/verify", "", nil, http.StatusOK).decode(t, &v)
	if !v.Verified || v.Entries != len(record) {
		f.fail("record/verify: %+v, with %d entries read", v, len(record))
	}
	byKey := map[string]int{}
	events := map[[2]string][]recordEntry{} // (stage, event)
	for i, e := range record {
		if e.Seq != int64(i+1) {
			f.fail("record entry %d has seq %d", i+1, e.Seq)
		}
		byKey[e.Key]++
		if byKey[e.Key] == 2 {
			f.fail("record key %s recorded twice", e.Key)
		}
		k := [2]string{e.StageID, e.Event}
		events[k] = append(events[k], e)
	}
	// Timed events: how late did the workflows act? A kill stalls the
	// activity it interrupts until its start-to-close timeout.
	// (Not summary.recorded: it follows the window's close, which may be
	// after the session's end, its time.)
	timed := []string{"stage.started", "session.opened", "session.held", "window.opened", "window.closed",
		"milestone.reached"}
	notes := 0
	for _, e := range record {
		if !slices.Contains(timed, e.Event) {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, e.At)
		if err != nil {
			f.fail("record entry %d: at %q: %v", e.Seq, e.At, err)
			continue
		}
		lag := e.RecordedAt.Sub(r.srv.upAt(r.clk.wall(at)))
		if lag > sum.maxEventLag {
			sum.maxEventLag, sum.maxEventLagOf = lag, e.StageID+" "+e.Event
		}
		if lag > 5*time.Second {
			sum.lateEvents++
		}
		if lag > 5*time.Second && notes < 20 {
			notes++
			t.Logf("NOTE: %s %s (seq %d) due at %s was recorded %s after the server could act on it, at %s; %s",
				e.StageID, e.Event, e.Seq, r.clk.wall(at).Format("15:04:05.000"), lag.Round(time.Millisecond),
				e.RecordedAt.Format("15:04:05.000"), r.srv.lastKill(e.RecordedAt))
		}
	}
	for k, es := range events {
		if slices.Contains(onceEvents, k[1]) && len(es) > 1 {
			f.fail("stage %q: %s recorded %d times (seqs %v)", k[0], k[1], len(es), seqs(es))
		}
	}
	for _, ev := range []string{"process.created", "process.completed"} {
		if len(events[[2]string{"", ev}]) != 1 {
			f.fail("%s recorded %d times, want once", ev, len(events[[2]string{"", ev}]))
		}
	}
	once := func(stage string, evs ...string) {
		for _, ev := range evs {
			if n := len(events[[2]string{stage, ev}]); n != 1 {
				f.fail("stage %s: %s recorded %d times, want once", stage, ev, n)
			}
		}
	}
	for _, s := range stages {
		id := s.Spec.ID
		if n := len(events[[2]string{id, "stage.failed"}]); n > 0 {
			f.fail("stage %s failed: %s", id, events[[2]string{id, "stage.failed"}][0].Data)
		}
		switch {
		case s.Status == process.Cancelled:
			once(id, "stage.cancelled")
			if n := len(events[[2]string{id, "stage.started"}]); n > 0 {
				f.fail("cancelled stage %s started", id)
			}
			continue
		case s.Status != process.Completed:
			f.fail("stage %s is %s at the end, want completed", id, s.Status)
		}
		once(id, "stage.started", "stage.completed")
		if s.Spec.Kind == process.Milestone {
			once(id, "milestone.reached")
		}
		if s.Spec.Window != nil {
			once(id, "stage.announced", "session.opened", "session.held", "window.opened", "window.closed", "summary.recorded")
		}
	}

	// 3. Windows: closed at their deadline, sealed over exactly what they
	// got, nothing acknowledged at or after the close, nothing refused as
	// late more than a second before it.
	rowsOf := map[string][]contribution{}
	for _, c := range rows {
		rowsOf[c.StageID] = append(rowsOf[c.StageID], c)
	}
	for _, s := range stages {
		if s.Spec.Window == nil || s.Status == process.Cancelled {
			continue
		}
		sum.windows++
		id, w := s.Spec.ID, s.Window
		if w == nil {
			f.fail("stage %s has no window in the store", id)
			continue
		}
		if w.State != process.WindowSealed {
			f.fail("window %s is %s at the end, want sealed", id, w.State)
		}
		// The deadline as scheduled (deadline.moved changes the stage's
		// spec before it starts), then as moved while open.
		deadline := s.Spec.Window.Closes.Time
		type move struct {
			at       time.Time // recorded, wall
			deadline time.Time // process time, from then on
		}
		moves := []move{{deadline: deadline}}
		for _, e := range events[[2]string{id, "window.moved"}] {
			var d struct {
				To time.Time `json:"to"`
			}
			if err := json.Unmarshal(e.Data, &d); err != nil {
				f.fail("window.moved %s: %v", e.Data, err)
			}
			deadline = d.To
			moves = append(moves, move{at: e.RecordedAt, deadline: d.To})
		}
		// deadlineAt is the wall deadline the record showed at t.
		deadlineAt := func(t time.Time) time.Time {
			d := moves[0].deadline
			for _, m := range moves[1:] {
				if !m.at.After(t) {
					d = m.deadline
				}
			}
			return r.clk.wall(d)
		}
		if d := r.clk.wall(deadline).Sub(w.ClosesAt).Abs(); d > time.Millisecond {
			f.fail("window %s closes at %s in the store, %s from its deadline %s (process time)", id,
				w.ClosesAt.Format(time.RFC3339Nano), d, deadline.Format(time.RFC3339))
		}
		closed := events[[2]string{id, "window.closed"}]
		if len(closed) != 1 {
			continue // failed above
		}
		if at, err := time.Parse(time.RFC3339Nano, closed[0].At); err != nil || !at.Equal(deadline) {
			f.fail("window %s: window.closed at %s, want its deadline %s", id, closed[0].At, deadline.Format(time.RFC3339Nano))
		}
		var seal struct {
			Count  int    `json:"count"`
			Digest string `json:"digest"`
		}
		if err := json.Unmarshal(closed[0].Data, &seal); err != nil {
			f.fail("window.closed %s: %v", closed[0].Data, err)
		}
		mine := rowsOf[id]
		slices.SortFunc(mine, func(a, b contribution) int { return strings.Compare(a.Tracking, b.Tracking) })
		h := sha256.New()
		due := r.srv.upAt(w.OpensAt) // the earliest the server could take one
		for i, c := range mine {
			h.Write([]byte(c.SHA256))
			if !c.SubmittedAt.Before(w.ClosesAt) || c.SubmittedAt.Before(w.OpensAt) {
				f.fail("window %s (%s to %s) took %s at %s", id, w.OpensAt.Format(time.RFC3339Nano),
					w.ClosesAt.Format(time.RFC3339Nano), c.Tracking, c.SubmittedAt.Format(time.RFC3339Nano))
			}
			if i == 0 {
				sum.maxFirstAcceptLag = max(sum.maxFirstAcceptLag, r.srv.upFor(due, c.SubmittedAt))
			}
			if lead := w.ClosesAt.Sub(c.SubmittedAt); sum.minLastAcceptLead == 0 || lead < sum.minLastAcceptLead {
				sum.minLastAcceptLead = lead
			}
		}
		if seal.Count != len(mine) || seal.Digest != hex.EncodeToString(h.Sum(nil)) {
			f.fail("window %s sealed %d contributions (digest %s), but %d are stored (digest %x)", id, seal.Count,
				seal.Digest, len(mine), h.Sum(nil))
		}
		// The intake takes a window by its schedule; the stage's workflow
		// records window.opened when it gets there, late after a kill.
		if opened := events[[2]string{id, "window.opened"}]; len(opened) == 1 {
			if opened[0].RecordedAt.Sub(due) > time.Second {
				sum.recordedOpenLate++
			}
			if !opened[0].RecordedAt.Before(w.ClosesAt) {
				sum.recordedOpenAfterDeadline++
			}
		}
		if lag := closed[0].RecordedAt.Sub(w.ClosesAt); lag > sum.maxSealLag {
			sum.maxSealLag = lag
		}
		if r.srv.downAt(w.ClosesAt) {
			sum.closedWhileDown++
		}
		// Refusals as late: never more than a second before the deadline
		// the record showed when the refusal was sent.
		var firstRefusal time.Time
		for _, a := range attempts {
			if a.stage != id || a.outcome != refusedEnd {
				continue
			}
			if early := deadlineAt(a.sent).Sub(a.recv); early > sum.maxEarlyRefusal {
				sum.maxEarlyRefusal = early
			}
			if early := deadlineAt(a.sent).Sub(a.recv); early > time.Second {
				f.fail("window %s refused %s as late at %s, %s before its deadline %s", id, a.key,
					a.recv.Format(time.RFC3339Nano), early, deadlineAt(a.sent).Format(time.RFC3339Nano))
			}
			if firstRefusal.IsZero() || a.recv.Before(firstRefusal) {
				firstRefusal = a.recv
			}
		}
		// Refusals as not open: none sent over a second after the window
		// was due and the server up.
		var openLag time.Duration
		for _, a := range attempts {
			if a.stage == id && a.outcome == refusedPre && a.sent.After(due) {
				openLag = max(openLag, a.recv.Sub(due))
			}
		}
		sum.maxOpenRefusalLag = max(sum.maxOpenRefusalLag, openLag)
		if openLag > time.Second {
			sum.openedLate++
			f.fail("window %s, due at %s (the server up), refused contributions as not open until %s after", id,
				due.Format(time.RFC3339Nano), openLag.Round(time.Millisecond))
		}
		// A window that refused as late and then took a contribution
		// reopened: only an extension recorded in between explains that.
		if !firstRefusal.IsZero() {
			for _, c := range mine {
				if c.SubmittedAt.After(firstRefusal) {
					sum.reopened++
					explained := slices.ContainsFunc(moves[1:], func(m move) bool { return m.at.After(firstRefusal) })
					msg := fmt.Sprintf("window %s refused a contribution as late at %s, then took %s at %s",
						id, firstRefusal.Format(time.RFC3339Nano), c.Tracking, c.SubmittedAt.Format(time.RFC3339Nano))
					if explained {
						t.Logf("NOTE: %s; an extension recorded after the refusal reopened it", msg)
					} else {
						f.fail("%s, with no extension recorded after the refusal", msg)
					}
					break
				}
			}
		}
	}
	if len(f.failures) > 0 {
		const max = 40
		for i, msg := range f.failures {
			if i == max {
				t.Errorf("… and %d more", len(f.failures)-max)
				break
			}
			t.Error(msg)
		}
	}
	return sum
}

func seqs(es []recordEntry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}
