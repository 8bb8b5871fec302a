package crash_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/itest"
	"github.com/compact-un/compact/process"
)

var (
	cycles = flag.Int("cycles", 5, "crash cycles (kill with SIGKILL, restart) of TestCrashCycles; the full run is 50")
	seed   = flag.Uint64("seed", 0, "seed of the kill moments and the PGA office's choices; 0 picks one (logged)")
)

func TestMain(m *testing.M) { os.Exit(itest.Main(m)) }

// Submitters: Member States contribute without accreditation; the
// stakeholders register in ECOSOC status, approved at once. extraState's
// token is made while the server is down, after the second kill.
var (
	states       = []string{"FRA", "MEX", "KEN", "IND"}
	stakeholders = []string{"org-crash-a", "org-crash-b"}
	extraState   = "BRA"
)

func TestCrashCycles(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash suite runs the compact binary: not in -short mode")
	}
	if *cycles < 1 {
		t.Fatalf("-cycles %d: want 1 or more", *cycles)
	}
	s := *seed
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -seed %d), %d cycles", s, s, *cycles)
	rng := rand.New(rand.NewPCG(s, 1))
	began := time.Now()

	// Tokens first, while the store file is free.
	srv := newServer(t)
	pga := srv.createToken("pga-office", "PGA")
	var parties []party
	for _, st := range states {
		parties = append(parties, party{name: st, role: "member-state", token: srv.createToken("member-state", st)})
	}
	for _, org := range stakeholders {
		parties = append(parties, party{name: org, role: "stakeholder", token: srv.createToken("stakeholder", org)})
	}
	firstReady := srv.start()
	t.Logf("serve ready in %s", firstReady.Round(time.Millisecond))

	c := &client{base: srv.base, hc: &http.Client{}}
	id, code := fmt.Sprintf("crash-%x", s), fmt.Sprintf("CR%04d", rng.IntN(10000))
	c.must(t, "POST", "/v1/processes", pga, map[string]any{"templateBody": template(id, code), "scale": scale}, http.StatusCreated)
	clk := awaitClock(t, c, id, template(id, code))
	// The stakeholders register as organisations on the ECOSOC list.
	ecosoc := "Organization's name,Consultative status,ECOSOC accreditation year\n"
	for _, org := range stakeholders {
		ecosoc += "Crash suite " + org + ",Special,2010\n"
	}
	if r := c.do(context.Background(), "PUT", "/v1/ecosoc-list", pga, []byte(ecosoc), "Content-Type", "text/csv"); r.err != nil || r.status != http.StatusOK {
		t.Fatalf("load the ECOSOC list: %s", r)
	}
	for _, p := range parties {
		if p.role == "stakeholder" {
			c.must(t, "POST", "/v1/processes/"+id+"/applications", p.token,
				map[string]any{"name": "Crash suite " + p.name, "category": "civil-society", "ecosoc": true}, http.StatusCreated)
		}
	}

	hardCtx, hardStop := context.WithCancel(context.Background())
	t.Cleanup(hardStop)
	r := &run{t: t, c: c, srv: srv, id: id, clk: clk, pga: pga, hardCtx: hardCtx,
		open: map[string]openWindow{}, closes: map[string]time.Time{}, due: map[string]interval{}, seq: map[string]int{}}
	pollCtx, stopPoll := context.WithCancel(context.Background())
	t.Cleanup(stopPoll)
	loadCtx, stopLoad := context.WithCancel(context.Background())
	t.Cleanup(stopLoad)
	var load sync.WaitGroup
	startSubmitter := func(p party, i int) {
		load.Go(func() { r.submitter(loadCtx, p, rand.New(rand.NewPCG(s, uint64(100+i)))) })
	}
	var poller sync.WaitGroup
	poller.Go(func() { r.poll(pollCtx) })
	// Should the test end early, stop every goroutine before the test is
	// over (they log to t); the servers are killed after.
	t.Cleanup(func() {
		stopLoad()
		stopPoll()
		hardStop()
		load.Wait()
		poller.Wait()
	})
	for i, p := range parties {
		startSubmitter(p, i)
	}
	cycleSignal := make(chan int, *cycles+1)
	load.Go(func() { r.office(loadCtx, cycleSignal, rand.New(rand.NewPCG(s, 2))) })

	var maxReady time.Duration
	restartProbes := 0
	for cycle := 1; cycle <= *cycles; cycle++ {
		cycleSignal <- cycle
		up := time.Duration(500+rng.IntN(3500)) * time.Millisecond
		down := time.Duration(rng.IntN(3000)) * time.Millisecond
		time.Sleep(up) // the kill's random moment is what the suite tests
		killed := srv.kill()
		time.Sleep(down) // and so is the random time the server stays down
		var extra *party
		if cycle == 2 {
			extra = &party{name: extraState, role: "member-state", token: srv.createToken("member-state", extraState)}
		}
		took := srv.start()
		ready := time.Now()
		srv.addDown(killed, ready)
		maxReady = max(maxReady, took)
		// Each window whose deadline fell while the server was down must
		// refuse at once, before anything else moves.
		probed, refused := 0, 0
		for _, stage := range r.closedSince(killed, ready) {
			a := r.submit(parties[0], stage, true)
			probed++
			if a.outcome == refusedEnd {
				refused++
			} else {
				// Not wrong in itself (an extension in flight at the kill
				// may have moved the deadline): the end checks judge.
				t.Logf("restart probe %s to %s: %s %s %+v", a.key, stage, a.outcome, a.detail, a.receipt)
			}
		}
		restartProbes += refused
		if extra != nil {
			parties = append(parties, *extra)
			startSubmitter(*extra, len(parties)-1)
		}
		t.Logf("cycle %d: up %s, SIGKILL at %s, down %s, ready %s after exec; %d deadline(s) fell while down, %d/%d refused at restart; %d acknowledged so far",
			cycle, up, killed.Format("15:04:05.000"), down, took.Round(time.Millisecond), probed, refused, probed, r.ledger.count(acked))
	}

	// The last server runs on: load for a moment more, then every
	// submitter settles its last key, and the process ends.
	time.Sleep(time.Second) // a second of load on the last server, not a wait for a state
	stopLoad()
	settle := time.AfterFunc(2*time.Minute, hardStop)
	load.Wait()
	settle.Stop()
	c.must(t, "POST", "/v1/processes/"+id+"/stages/tail/cancel", pga, map[string]any{"reason": "the crash run is over"}, http.StatusOK)
	waitCompleted(t, c, id, 4*time.Minute)
	stopPoll()
	poller.Wait()

	sum := r.verify(t)
	r.pgaMu.Lock()
	added, moved, pgaErrs := len(r.added), r.moved, r.pgaErrs
	r.pgaMu.Unlock()
	for _, e := range pgaErrs {
		t.Logf("PGA office: %s", e)
	}
	t.Logf("crash summary: cycles=%d kills=%d acknowledged=%d (after a broken connection %d, first receipt replayed %d) present=%d duplicates=%d lost=%d "+
		"refused=%d (late probes refused %d, at restart %d) windows=%d (deadline while down %d, reopened %d) "+
		"stages added=%d deadlines moved=%d max restart-to-ready=%s; "+
		"intake: opening: windows refusing as not open >1s after due (and up)=%d, max refusal after due=%s, max first acceptance after due=%s; "+
		"closing: accepted at or after deadline=0, latest acceptance %s before a deadline, earliest refusal as late %s before one; "+
		"record: max seal lag=%s max event lag=%s (%s) events >5s late=%d window.opened >1s late=%d (after the deadline %d) took=%s seed=%d",
		*cycles, *cycles, sum.acked, sum.recovered, sum.replayed, sum.present, sum.duplicates, sum.lost,
		sum.refused, sum.probesRefused, restartProbes, sum.windows, sum.closedWhileDown, sum.reopened,
		added, moved, maxReady.Round(time.Millisecond),
		sum.openedLate, sum.maxOpenRefusalLag.Round(time.Millisecond), sum.maxFirstAcceptLag.Round(time.Millisecond),
		sum.minLastAcceptLead.Round(time.Millisecond), sum.maxEarlyRefusal.Round(time.Millisecond),
		sum.maxSealLag.Round(time.Millisecond), sum.maxEventLag.Round(time.Millisecond), sum.maxEventLagOf, sum.lateEvents,
		sum.recordedOpenLate, sum.recordedOpenAfterDeadline, time.Since(began).Round(time.Second), s)
}

// awaitClock waits for the process's windows to be registered and reads
// its clock from the first one: the workflow fixes the clock's start when
// it starts.
func awaitClock(t *testing.T, c *client, id string, tmpl process.Template) clock {
	t.Helper()
	ts1, _ := tmpl.Stage("ts1")
	var d stageDetail
	itest.Eventually(t, 30*time.Second, func(ctx context.Context) error {
		res := c.do(ctx, "GET", "/v1/processes/"+id+"/stages/ts1", "", nil)
		if res.err != nil || res.status != http.StatusOK {
			return fmt.Errorf("stage ts1: %s", res)
		}
		res.decode(t, &d)
		if d.Window == nil {
			return fmt.Errorf("stage ts1 has no window yet")
		}
		return nil
	})
	clk := clock{origin: tmpl.Begins().Add(-24 * time.Hour), scale: scale}
	clk.start = d.Window.OpensAt.Add(-time.Duration(float64(ts1.Window.Opens.Sub(clk.origin)) / scale))
	if off := clk.wall(ts1.Window.Closes.Time).Sub(d.Window.ClosesAt).Abs(); off > time.Millisecond {
		t.Fatalf("window ts1 %+v: its close is %s off the clock %+v", d.Window, off, clk)
	}
	return clk
}

// waitCompleted waits until every stage has ended and the process with
// them. An activity the killed worker had started is retried only when
// its start-to-close timeout (a minute) expires, so this can take a while.
func waitCompleted(t *testing.T, c *client, id string, timeout time.Duration) {
	t.Helper()
	start := time.Now()
	itest.Eventually(t, timeout, func(ctx context.Context) error {
		res := c.do(ctx, "GET", "/v1/processes/"+id, "", nil)
		if res.err != nil || res.status != http.StatusOK {
			return fmt.Errorf("process: %s", res)
		}
		var st processStatus
		res.decode(t, &st)
		if st.Status != "completed" {
			return fmt.Errorf("process is %s, running %v", st.Status, st.Current)
		}
		return nil
	})
	t.Logf("process completed %s after the tail was cancelled", time.Since(start).Round(time.Millisecond))
}
