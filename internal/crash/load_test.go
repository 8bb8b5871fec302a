package crash_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
)

// Outcomes of a contribution attempt, once resolved.
const (
	acked      = "acked"       // a receipt: 201, or 200 with the first receipt on a retry
	refusedEnd = "refused-end" // 409: the window had closed
	refusedPre = "refused-pre" // 409: the window was not open (yet)
	unexpected = "unexpected"  // any other definitive answer
	unresolved = "unresolved"  // the run ended before a definitive answer
)

// attempt is one contribution, under one Idempotency-Key, through all its
// retries.
type attempt struct {
	key, party, role, stage string
	title, body             string
	probe                   bool // sent to a window believed closed
	tries                   int
	broke                   int // transport errors and 5xx on the way
	outcome                 string
	status                  int
	detail                  string
	receipt                 receipt
	sent, recv              time.Time // the last, definitive exchange
}

func (a *attempt) sha256() string {
	sum := sha256.Sum256([]byte(a.title + "\n" + a.body))
	return hex.EncodeToString(sum[:])
}

// ledger holds every attempt of the run.
type ledger struct {
	mu       sync.Mutex
	attempts []*attempt
}

func (l *ledger) add(a *attempt) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.attempts = append(l.attempts, a)
}

func (l *ledger) all() []*attempt {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*attempt(nil), l.attempts...)
}

func (l *ledger) count(outcome string) int {
	n := 0
	for _, a := range l.all() {
		if a.outcome == outcome {
			n++
		}
	}
	return n
}

// party is a submitter's identity.
type party struct {
	name, role, token string
}

// run is the state the run's goroutines share.
type run struct {
	t       *testing.T
	c       *client
	srv     *server
	id      string
	clk     clock
	pga     string
	ledger  ledger
	hardCtx context.Context // ends every retry: the run is over

	mu     sync.Mutex
	open   map[string]openWindow // from the last status poll
	closes map[string]time.Time  // every window's last known wall close
	due    map[string]interval   // windows of unfinished stages, as scheduled (wall)
	seq    map[string]int        // per party: next key number

	// PGA office's actions, for the summary.
	pgaMu   sync.Mutex
	added   []string // stages added
	moved   int      // deadlines moved (open windows extended, scheduled ones moved)
	pgaErrs []string // refusals and failures, logged
}

// poll refreshes the open windows every interval until ctx ends.
func (r *run) poll(ctx context.Context) {
	for n := 0; ctx.Err() == nil; {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		res := r.c.do(rctx, "GET", "/v1/processes/"+r.id, "", nil)
		cancel()
		if res.err == nil && res.status == http.StatusOK {
			var st processStatus
			if err := json.Unmarshal(res.body, &st); err != nil {
				r.t.Errorf("status poll: %s: %v", res, err)
				return
			}
			r.mu.Lock()
			r.open = map[string]openWindow{}
			for _, w := range st.OpenWindows {
				r.open[w.StageID] = w
				r.closes[w.StageID] = w.ClosesAt
			}
			r.mu.Unlock()
		}
		if n++; n%3 == 0 {
			r.pollSchedule(ctx)
		}
		sleep(ctx, 150*time.Millisecond)
	}
}

// pollSchedule refreshes the windows due by the schedule.
func (r *run) pollSchedule(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	res := r.c.do(rctx, "GET", "/v1/processes/"+r.id+"/stages", "", nil)
	cancel()
	if res.err != nil || res.status != http.StatusOK {
		return
	}
	var stages []process.Stage
	if err := json.Unmarshal(res.body, &stages); err != nil {
		r.t.Errorf("stages poll: %s: %v", res, err)
		return
	}
	due := map[string]interval{}
	for _, s := range stages {
		if w := s.Spec.Window; w != nil && (s.Status == process.Scheduled || s.Status == process.Running) {
			due[s.Spec.ID] = interval{r.clk.wall(w.Opens.Time), r.clk.wall(w.Closes.Time)}
		}
	}
	r.mu.Lock()
	r.due = due
	r.mu.Unlock()
}

// dueNow are the windows that the schedule says have opened and close in
// half a second or more, whether or not the last poll showed them open: a
// contributor with the calendar would try them, and so finds out how soon
// the intake opens them.
func (r *run) dueNow(now time.Time) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for id, d := range r.due {
		if !now.Before(d.from) && d.to.After(now.Add(500*time.Millisecond)) {
			ids = append(ids, id)
		}
	}
	return ids
}

// openWindows are the windows open at now by the last poll.
func (r *run) openWindows(now time.Time, margin time.Duration) []openWindow {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ws []openWindow
	for _, w := range r.open {
		if w.ClosesAt.Sub(now) > margin {
			ws = append(ws, w)
		}
	}
	return ws
}

// closedSince are the windows whose last known close fell in [from, to).
func (r *run) closedSince(from, to time.Time) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for id, c := range r.closes {
		if !c.Before(from) && c.Before(to) {
			ids = append(ids, id)
		}
	}
	return ids
}

func (r *run) nextKey(p party) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq[p.name]++
	return fmt.Sprintf("crash-%s-%06d", p.name, r.seq[p.name])
}

// submit sends one new contribution and retries it with the same key until
// it gets a definitive answer or the run ends.
func (r *run) submit(p party, stage string, probe bool) *attempt {
	key := r.nextKey(p)
	a := &attempt{key: key, party: p.name, role: p.role, stage: stage, probe: probe,
		title: "crash " + key,
		body:  fmt.Sprintf("Contribution %s of %s (%s) to %s of %s.", key, p.name, p.role, stage, r.id)}
	// Goes to the ledger resolved, or unresolved: never changed after.
	defer r.ledger.add(a)
	path := "/v1/processes/" + r.id + "/stages/" + stage + "/contributions"
	for {
		if r.hardCtx.Err() != nil {
			a.outcome = unresolved
			return a
		}
		ctx, cancel := context.WithTimeout(r.hardCtx, 10*time.Second)
		res := r.c.do(ctx, "POST", path, p.token, map[string]string{"title": a.title, "body": a.body}, "Idempotency-Key", key)
		cancel()
		a.tries++
		if res.transient() {
			a.broke++
			sleep(r.hardCtx, 100*time.Millisecond)
			continue
		}
		a.status, a.sent, a.recv = res.status, res.sent, res.recv
		switch detail := res.detail(); {
		case res.status == http.StatusCreated || res.status == http.StatusOK:
			if err := json.Unmarshal(res.body, &a.receipt); err != nil {
				a.outcome, a.detail = unexpected, fmt.Sprintf("%s: %v", res, err)
				break
			}
			a.outcome = acked
		case res.status == http.StatusConflict && strings.Contains(detail, " closed at "):
			a.outcome, a.detail = refusedEnd, detail
		case res.status == http.StatusConflict && strings.Contains(detail, " not open"),
			// A stage added to the schedule has no window in the store
			// until its addition is recorded.
			res.status == http.StatusNotFound && strings.Contains(detail, "window") && strings.Contains(detail, "not found"):
			a.outcome, a.detail = refusedPre, detail
		default:
			a.outcome, a.detail = unexpected, res.String()
		}
		return a
	}
}

// submitter contributes to the open windows until ctx ends; now and then
// it probes a window that has just closed, or one the schedule says is open.
func (r *run) submitter(ctx context.Context, p party, rng *rand.Rand) {
	for ctx.Err() == nil {
		now := time.Now()
		var stage string
		probe := rng.IntN(10) == 0
		if probe {
			if ids := r.closedSince(now.Add(-3*time.Second), now.Add(-50*time.Millisecond)); len(ids) > 0 {
				stage = ids[rng.IntN(len(ids))]
			}
		}
		if stage == "" && rng.IntN(5) == 0 {
			if ids := r.dueNow(now); len(ids) > 0 {
				stage = ids[rng.IntN(len(ids))]
			}
		}
		if stage == "" {
			probe = false
			if ws := r.openWindows(now, 20*time.Millisecond); len(ws) > 0 {
				stage = ws[rng.IntN(len(ws))].StageID
			}
		}
		if stage == "" {
			sleep(ctx, 100*time.Millisecond)
			continue
		}
		r.submit(p, stage, probe)
		sleep(ctx, time.Duration(10+rng.IntN(50))*time.Millisecond)
	}
}

// office plays the PGA's office: on each cycle's signal it adds a
// consultation whose window opens a second later and closes 1.5 to 7 s
// after; in between it extends open windows and moves scheduled ones.
func (r *run) office(ctx context.Context, cycles <-chan int, rng *rand.Rand) {
	kinds := []process.StageKind{process.ThematicSession, process.Hearing, process.Stocktaking, process.RegionalConsultation}
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-cycles:
			r.addStage(ctx, c, kinds[c%len(kinds)], time.Duration(1500+rng.IntN(5500))*time.Millisecond)
		case <-time.After(time.Duration(300+rng.IntN(900)) * time.Millisecond):
			switch rng.IntN(4) {
			case 0, 1:
				r.extend(ctx, rng)
			case 2:
				r.moveScheduled(ctx, rng)
			}
		}
	}
}

func (r *run) pgaLog(format string, args ...any) {
	r.pgaMu.Lock()
	defer r.pgaMu.Unlock()
	r.pgaErrs = append(r.pgaErrs, time.Now().Format("15:04:05.000 ")+fmt.Sprintf(format, args...))
}

func (r *run) addStage(ctx context.Context, cycle int, kind process.StageKind, length time.Duration) {
	id, code := fmt.Sprintf("c%02d", cycle), fmt.Sprintf("C%02d", cycle)
	// Each try schedules the stage from its own now: a retry after a kill
	// finds the stage added by a try that was durable (409), or adds it.
	request := func() map[string]any {
		opensW := time.Now().Add(time.Second)
		opens := r.clk.proc(opensW).Truncate(time.Second)
		closes := r.clk.proc(opensW.Add(length)).Truncate(time.Second)
		end := opens.Add(closes.Sub(opens) / 2).Truncate(time.Second)
		if end.Equal(end.Truncate(24 * time.Hour)) { // a bare date's session lasts the whole day
			end = end.Add(time.Second)
		}
		return map[string]any{"phase": "consultations", "reason": "crash suite: a consultation per cycle",
			"stage": process.StageSpec{ID: id, Kind: kind, Code: code, Title: "Crash suite " + id, Place: "New York",
				Start: process.Date{Time: opens}, End: process.Date{Time: end},
				Window: &process.Window{Opens: process.Date{Time: opens}, Closes: process.Date{Time: closes}}}}
	}
	giveUp := time.Now().Add(30 * time.Second)
	for tries := 0; ctx.Err() == nil; tries++ {
		rctx, cancel := context.WithTimeout(ctx, 40*time.Second)
		res := r.c.do(rctx, "POST", "/v1/processes/"+r.id+"/stages", r.pga, request())
		cancel()
		switch {
		case res.status == http.StatusCreated, res.status == http.StatusConflict && tries > 0:
			// 409 on a retry: an earlier try was durable.
			if took := res.recv.Sub(res.sent); took > 2*time.Second {
				r.pgaLog("add stage %s (try %d): %d after %s", id, tries+1, res.status, took.Round(time.Millisecond))
			}
			r.pgaMu.Lock()
			r.added = append(r.added, id)
			r.pgaMu.Unlock()
			return
		case (res.transient() || res.status == http.StatusUnprocessableEntity && strings.Contains(res.detail(), "in the past")) &&
			time.Now().Before(giveUp):
			// Also a 422 for a start that passed while the workflow was
			// held up: the next try schedules from its own now.
			if !refused(res) {
				r.pgaLog("add stage %s (try %d): %s; retrying", id, tries+1, res)
			}
			sleep(ctx, 200*time.Millisecond)
		default:
			r.pgaLog("add stage %s (try %d): %s", id, tries+1, res)
			return
		}
	}
}

// extend moves the deadline of an open window that closes 1.5 s from now
// or later by 1 to 4 s of the wall.
func (r *run) extend(ctx context.Context, rng *rand.Rand) {
	ws := r.openWindows(time.Now(), 1500*time.Millisecond)
	if len(ws) == 0 {
		return
	}
	w := ws[rng.IntN(len(ws))]
	to := r.clk.proc(w.ClosesAt.Add(time.Duration(1000+rng.IntN(3000)) * time.Millisecond)).Truncate(time.Second)
	r.moveWindow(ctx, w.StageID, to, "extend")
}

// moveScheduled moves the deadline of a window whose stage has not started
// a day later.
func (r *run) moveScheduled(ctx context.Context, rng *rand.Rand) {
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	res := r.c.do(rctx, "GET", "/v1/processes/"+r.id+"/stages", "", nil)
	cancel()
	if res.err != nil || res.status != http.StatusOK {
		return
	}
	var stages []process.Stage
	if err := json.Unmarshal(res.body, &stages); err != nil {
		r.pgaLog("stages: %v", err)
		return
	}
	var ids []string
	var closes []time.Time
	for _, s := range stages {
		// Not one about to start: the move would race its start.
		if s.Status == process.Scheduled && s.Spec.Window != nil && r.clk.wall(s.Spec.Begins()).After(time.Now().Add(time.Second)) {
			ids, closes = append(ids, s.Spec.ID), append(closes, s.Spec.Window.Closes.Time)
		}
	}
	if len(ids) == 0 {
		return
	}
	i := rng.IntN(len(ids))
	r.moveWindow(ctx, ids[i], closes[i].Add(24*time.Hour), "move")
}

func (r *run) moveWindow(ctx context.Context, stage string, to time.Time, what string) {
	rctx, cancel := context.WithTimeout(ctx, 40*time.Second)
	res := r.c.do(rctx, "POST", "/v1/processes/"+r.id+"/stages/"+stage+"/window", r.pga,
		map[string]any{"closes": process.Date{Time: to}, "reason": "crash suite: " + what})
	cancel()
	if res.err == nil && res.status == http.StatusOK {
		r.pgaMu.Lock()
		r.moved++
		r.pgaMu.Unlock()
		return
	}
	if refused(res) {
		return // the server is down: nothing was sent
	}
	r.pgaLog("%s window %s to %s: %s", what, stage, to.Format(time.RFC3339), res)
}

// refused reports whether the request found no server: it was down.
func refused(res response) bool {
	return res.err != nil && errors.Is(res.err, syscall.ECONNREFUSED)
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
