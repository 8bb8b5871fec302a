package itest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/compact-un/compact/internal/itest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// The submitters, one each: Member States contribute without
// accreditation; the stakeholders register in ECOSOC status, approved at
// once.
var (
	scaleOutStates = []string{
		"MEX", "FRA", "DEU", "BRA", "IND", "JPN", "KEN", "NGA", "CAN", "AUS",
		"ARG", "CHL", "EGY", "ZAF", "SWE", "NOR", "ITA", "ESP", "PRT", "NLD",
		"BEL", "POL", "TUR", "IDN", "PHL", "VNM", "THA", "MYS", "PAK", "BGD",
		"COL", "PER", "ECU", "GHA", "SEN", "ETH", "MAR", "TUN", "NZL", "IRL",
	}
	scaleOutStakeholders = []string{
		"org-fleet-01", "org-fleet-02", "org-fleet-03", "org-fleet-04", "org-fleet-05",
		"org-fleet-06", "org-fleet-07", "org-fleet-08", "org-fleet-09", "org-fleet-10",
	}
)

// Scale-out timing, on the wall: the window opens about 6 s after the
// process starts (its clock's origin is a process day before the template
// begins) and stays open 18 s; the submitters send to API #1 alone for the
// first scaleOutSolo, then to both APIs; one worker and API #2 die at
// scaleOutKillAt, and PostgreSQL restarts at scaleOutRestartAt.
const (
	scaleOutScale     = 4 * 3600.0 // four process hours per wall second
	scaleOutSolo      = 4 * time.Second
	scaleOutKillAt    = 8 * time.Second
	scaleOutRestartAt = 12 * time.Second
	// scaleOutGiveUp is how long a submitter retries a key with no answer.
	scaleOutGiveUp = 30 * time.Second
)

// TestScaleOut runs the scale-out topology on loopback without containers:
// one standalone Temporal server persisted on PostgreSQL, PostgreSQL as the
// record store too, two workers and two APIs. Fifty submitters rush a
// consultation's window through both APIs; in the middle of the window a
// worker and an API are killed (SIGKILL), then PostgreSQL restarts. The
// process must complete with every acknowledged contribution stored
// exactly once, none taken after the deadline, the window sealed within a
// second of it, and the record verified. Its last log line holds the
// figures BENCHMARKS.md reports.
func TestScaleOut(t *testing.T) {
	began := time.Now()
	pg := scaleOutPostgres(t)
	dbURL := scaleOutDatabase(t, pg.url)
	port := strconv.Itoa(itest.FreePort(t))
	temporalAddr := "127.0.0.1:" + port

	itest.StartProcess(t, "temporal", "--db", temporalDatabase(t, pg.url), "--temporal-port", port)
	remote := []string{"--temporal-address", temporalAddr, "--db", dbURL}
	var workers, apis []*itest.Proc
	var workerAddrs, apiAddrs []string
	for range 2 {
		addr := itest.FreeAddr(t)
		workers = append(workers, itest.StartProcess(t, append([]string{"worker", "--http-addr", addr}, remote...)...))
		workerAddrs = append(workerAddrs, addr)
	}
	for range 2 {
		addr := itest.FreeAddr(t)
		apis = append(apis, itest.StartProcess(t, append([]string{"api", "--http-addr", addr, "--rate-limits", "off"}, remote...)...))
		apiAddrs = append(apiAddrs, addr)
	}
	for i, w := range workers {
		took := w.WaitReady(t, "http://"+workerAddrs[i]+"/readyz", readyTimeout)
		t.Logf("worker #%d ready in %s", i+1, took.Round(time.Millisecond))
	}
	for i, a := range apis {
		took := a.WaitReady(t, "http://"+apiAddrs[i]+"/readyz", readyTimeout)
		t.Logf("api #%d ready in %s", i+1, took.Round(time.Millisecond))
	}
	api1, api2 := "http://"+apiAddrs[0], "http://"+apiAddrs[1]

	pga := scaleOutToken(t, dbURL, "pga-office", "PGA")
	parties := append(slices.Clone(scaleOutStates), scaleOutStakeholders...)
	tokens := make([]string, len(parties))
	for i, party := range parties {
		role := "member-state"
		if i >= len(scaleOutStates) {
			role = "stakeholder"
		}
		tokens[i] = scaleOutToken(t, dbURL, role, party)
	}

	// The process: one thematic session whose window is open 18 s of wall
	// time, the session held right after it closes.
	id := "scaleout-" + strings.ToLower(rand.Text()[:8])
	base := time.Date(2031, 6, 2, 0, 0, 0, 0, time.UTC)
	at := func(hours float64) process.Date {
		return process.Date{Time: base.Add(time.Duration(hours * float64(time.Hour)))}
	}
	tmpl := process.Template{
		ID: id, Title: "Scale-out consultation", Code: "SCALE",
		Rules: process.Rules{NonObjectionDays: 1, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{{ID: "consultations", Title: "Consultations", Stages: []process.StageSpec{
			{ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Thematic session", Place: "Geneva",
				Start: at(72), End: at(76), Window: &process.Window{Opens: at(0), Closes: at(72)}},
		}}},
	}
	c := &scaleOutClient{http: &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 128, IdleConnTimeout: 30 * time.Second,
	}}}
	code, body, err := c.do("POST", api1+"/v1/processes", pga, "", map[string]any{"templateBody": tmpl, "scale": scaleOutScale})
	if err != nil || code != http.StatusCreated {
		t.Fatalf("create the process through API #1: %d %s %v", code, body, err)
	}
	// The stakeholders register as organisations on the ECOSOC list.
	ecosoc := "Organization's name,Consultative status,ECOSOC accreditation year\n"
	for _, org := range scaleOutStakeholders {
		ecosoc += "Fleet test " + org + ",Special,2010\n"
	}
	if code, body, err := c.do("PUT", api1+"/v1/ecosoc-list", pga, "", []byte(ecosoc)); err != nil || code != http.StatusOK {
		t.Fatalf("load the ECOSOC list through API #1: %d %s %v", code, body, err)
	}
	for i, org := range scaleOutStakeholders {
		tok := tokens[len(scaleOutStates)+i]
		code, body, err := c.do("POST", api2+"/v1/processes/"+id+"/applications", tok, "",
			map[string]any{"name": "Fleet test " + org, "category": "civil-society", "ecosoc": true})
		if err != nil || code != http.StatusCreated {
			t.Fatalf("%s applies for accreditation through API #2: %d %s %v", org, code, body, err)
		}
	}

	// Wait, through API #2, for the window to open.
	var window struct {
		OpensAt, ClosesAt time.Time
	}
	itest.Eventually(t, 60*time.Second, func(context.Context) error {
		var st struct {
			Status      string `json:"status"`
			OpenWindows []struct {
				StageID  string    `json:"stageId"`
				OpensAt  time.Time `json:"opensAt"`
				ClosesAt time.Time `json:"closesAt"`
			} `json:"openWindows"`
		}
		if err := c.getJSON(api2+"/v1/processes/"+id, &st); err != nil {
			return err
		}
		for _, w := range st.OpenWindows {
			if w.StageID == "ts1" && !time.Now().Before(w.OpensAt) {
				window.OpensAt, window.ClosesAt = w.OpensAt, w.ClosesAt
				return nil
			}
		}
		return fmt.Errorf("process %s: window ts1 not open yet", st.Status)
	})
	start := time.Now()
	t.Logf("window ts1 open until %s (%s from now)", window.ClosesAt.Format(time.RFC3339Nano), time.Until(window.ClosesAt).Round(time.Millisecond))

	// The submitters: each is a State sending contributions one after
	// another, to API #1 alone at first, then alternating between the two.
	// A request that gets no answer is retried with the same key on the
	// other API; a retry answers 200 with the first receipt.
	var (
		mu       sync.Mutex
		acks     []scaleOutAck
		killed   = make(chan struct{})
		problems []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	var replayed atomic.Int64         // acknowledged keys sent again to the other API
	var retries, deadAnswers sync.Map // counters per submitter, summed below
	var wg sync.WaitGroup
	for i := range parties {
		wg.Go(func() {
			nRetries, nDead := 0, 0
			defer func() { retries.Store(i, nRetries); deadAnswers.Store(i, nDead) }()
			for n := 0; ; n++ {
				key := fmt.Sprintf("%s-%d", parties[i], n)
				contribution := map[string]any{
					"title": "Contribution " + key,
					"body":  "Text of contribution " + key + " on the human rights of all migrants.",
				}
				target := 0
				if time.Since(start) >= scaleOutSolo {
					target = (i + n) % 2
				}
				phaseTwo := time.Since(start) >= scaleOutSolo
				first := time.Now()
				for attempt := 0; ; attempt++ {
					if attempt > 0 {
						nRetries++
						target = 1 - target
						if time.Since(first) > scaleOutGiveUp {
							fail("%s: no answer in %s (%d attempts)", key, scaleOutGiveUp, attempt)
							return
						}
						if attempt > 1 { // the other API at once, then back off
							time.Sleep(50 * time.Millisecond) // a client's backoff, as the load is meant to behave
						}
					}
					apiURL := []string{api1, api2}[target]
					code, body, err := c.do("POST", apiURL+"/v1/processes/"+id+"/stages/ts1/contributions", tokens[i], key, contribution)
					if err != nil || code >= 500 {
						if target == 1 {
							select {
							case <-killed:
								nDead++
							default:
							}
						}
						continue // no answer: the same key on the other API
					}
					switch code {
					case http.StatusCreated, http.StatusOK:
						var r process.Receipt
						if err := json.Unmarshal(body, &r); err != nil || r.Tracking == "" || len(r.SHA256) != 64 {
							fail("%s: receipt %s: %v", key, body, err)
							return
						}
						mu.Lock()
						acks = append(acks, scaleOutAck{key: key, token: tokens[i], body: contribution, receipt: r,
							at: time.Since(start), api: target, retried: attempt > 0, both: phaseTwo, created: code == http.StatusCreated})
						mu.Unlock()
						// Now and then, the same key again on the other API,
						// as a client that lost the answer would send it.
						if phaseTwo && n%25 == 0 {
							other := []string{api1, api2}[1-target]
							code, body, err := c.do("POST", other+"/v1/processes/"+id+"/stages/ts1/contributions", tokens[i], key, contribution)
							var again process.Receipt
							if err == nil && code < 500 {
								if err := json.Unmarshal(body, &again); err != nil || code != http.StatusOK || again != r {
									fail("%s again on api #%d: %d %s, want 200 and the receipt %+v", key, 2-target, code, body, r)
								}
								replayed.Add(1)
							}
						}
					case http.StatusConflict:
						if time.Now().Before(window.ClosesAt) {
							fail("%s: 409 before the window closes: %s", key, body)
						}
						return // the window has closed
					default:
						fail("%s: %d %s", key, code, body)
						return
					}
					break
				}
			}
		})
	}

	// In the middle of the window: SIGKILL worker #1 and API #2, then
	// restart PostgreSQL under the survivors and Temporal.
	time.Sleep(time.Until(start.Add(scaleOutKillAt))) // the kill mid-rush, at a set moment, is what is tested
	workers[0].Signal(t, syscall.SIGKILL)
	apis[1].Signal(t, syscall.SIGKILL)
	close(killed)
	killedAt := time.Since(start)
	t.Logf("killed worker #1 (pid %d) and api #2 (pid %d) at %s into the window", workers[0].Pid(), apis[1].Pid(), killedAt.Round(time.Millisecond))
	workers[0].WaitExit(t, exitTimeout)
	apis[1].WaitExit(t, exitTimeout)
	time.Sleep(time.Until(start.Add(scaleOutRestartAt))) // as is PostgreSQL's restart at its moment
	restartedAt := time.Since(start)
	restartTook := pg.restart(t)
	t.Logf("restarted PostgreSQL at %s into the window, in %s", restartedAt.Round(time.Millisecond), restartTook.Round(time.Millisecond))
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}

	// The figures: acknowledged contributions per second through API #1
	// alone, through both, and after the kill.
	var solo, both, after, nRetried, nCreated int
	perAPI := [2]int{}
	for _, a := range acks {
		switch {
		case a.at < scaleOutSolo && !a.both:
			solo++
		case a.both && a.at < killedAt:
			both++
			perAPI[a.api]++
		case a.at >= killedAt:
			after++
		}
		if a.retried {
			nRetried++
		}
		if a.created {
			nCreated++
		}
	}
	sum := func(m *sync.Map) (n int) {
		m.Range(func(_, v any) bool { n += v.(int); return true })
		return n
	}
	soloRate := float64(solo) / scaleOutSolo.Seconds()
	bothRate := float64(both) / (killedAt - scaleOutSolo).Seconds()
	afterRate := float64(after) / (window.ClosesAt.Sub(start) - killedAt).Seconds()
	t.Logf("acknowledged %d contributions (%d created, %d on a retry) from %d submitters; %d retries, %d requests to the dead API; %d keys sent again to the other API gave their first receipt",
		len(acks), nCreated, nRetried, len(parties), sum(&retries), sum(&deadAnswers), replayed.Load())
	t.Logf("one API process:  %d in %s = %.0f contributions/s", solo, scaleOutSolo, soloRate)
	t.Logf("two API processes: %d in %s = %.0f contributions/s (api #1 %d, api #2 %d)",
		both, (killedAt - scaleOutSolo).Round(time.Millisecond), bothRate, perAPI[0], perAPI[1])
	t.Logf("after the kill (one API, one worker): %d = %.0f contributions/s", after, afterRate)
	// The longest the fleet went without acknowledging anything: the kill
	// and the restart each stall it.
	ackTimes := make([]time.Duration, len(acks))
	for i, a := range acks {
		ackTimes[i] = a.at
	}
	slices.Sort(ackTimes)
	var stall, stallAt time.Duration
	for i := 1; i < len(ackTimes); i++ {
		if gap := ackTimes[i] - ackTimes[i-1]; gap > stall {
			stall, stallAt = gap, ackTimes[i-1]
		}
	}
	t.Logf("longest pause in acknowledgements: %s, from %s into the window", stall.Round(time.Millisecond), stallAt.Round(time.Millisecond))
	if soloRate > 0 {
		t.Logf("scale-out ratio, two APIs / one API: %.2f", bothRate/soloRate)
	}
	if solo == 0 || both == 0 || after == 0 || perAPI[1] == 0 {
		t.Errorf("a phase acknowledged nothing: solo %d, both %d (api #2 %d), after the kill %d", solo, both, perAPI[1], after)
	}

	// The process completes on the surviving worker.
	var status string
	itest.Eventually(t, 2*time.Minute, func(context.Context) error {
		var st struct {
			Status string `json:"status"`
		}
		if err := c.getJSON(api1+"/v1/processes/"+id, &st); err != nil {
			return err
		}
		if status = st.Status; status != "completed" {
			return fmt.Errorf("process %s is %s", id, status)
		}
		return nil
	})
	t.Logf("process completed %s after the window closed", time.Since(window.ClosesAt).Round(time.Millisecond))

	// Every acknowledged receipt is stored exactly once, with its hash.
	stored := map[string]string{} // tracking → sha256
	seen := map[string]int{}
	titles := map[string]int{} // one key, one title
	var outside []string       // taken outside the window
	after_ := ""
	for {
		var page struct {
			Contributions []struct {
				Tracking    string    `json:"tracking"`
				StageID     string    `json:"stageId"`
				SHA256      string    `json:"sha256"`
				Title       string    `json:"title"`
				SubmittedAt time.Time `json:"submittedAt"`
			} `json:"contributions"`
			Next string `json:"next"`
		}
		q := url.Values{"stage": {"ts1"}, "limit": {"500"}}
		if after_ != "" {
			q.Set("after", after_)
		}
		if err := c.getJSON(api1+"/v1/processes/"+id+"/contributions?"+q.Encode(), &page); err != nil {
			t.Fatal(err)
		}
		for _, cv := range page.Contributions {
			seen[cv.Tracking]++
			titles[cv.Title]++
			stored[cv.Tracking] = cv.SHA256
			if cv.SubmittedAt.Before(window.OpensAt) || !cv.SubmittedAt.Before(window.ClosesAt) {
				outside = append(outside, fmt.Sprintf("%s at %s", cv.Tracking, cv.SubmittedAt.Format(time.RFC3339Nano)))
			}
		}
		if page.Next == "" {
			break
		}
		after_ = page.Next
	}
	duplicated, lost := 0, 0
	for tracking, n := range seen {
		if n != 1 {
			duplicated += n - 1
			t.Errorf("contribution %s listed %d times", tracking, n)
		}
	}
	for title, n := range titles {
		if n != 1 {
			duplicated += n - 1
			t.Errorf("%q stored %d times", title, n)
		}
	}
	for _, o := range outside {
		t.Errorf("contribution %s, outside the window %s to %s", o, window.OpensAt.Format(time.RFC3339Nano), window.ClosesAt.Format(time.RFC3339Nano))
	}
	acked := map[string]bool{}
	for _, a := range acks {
		if acked[a.receipt.Tracking] {
			duplicated++
			t.Errorf("receipt %s acknowledged for two keys (second: %s)", a.receipt.Tracking, a.key)
		}
		acked[a.receipt.Tracking] = true
		switch sha, ok := stored[a.receipt.Tracking]; {
		case !ok:
			lost++
			t.Errorf("acknowledged contribution %s (key %s) is not stored", a.receipt.Tracking, a.key)
		case sha != a.receipt.SHA256:
			lost++
			t.Errorf("contribution %s: stored sha256 %s, receipt %s", a.receipt.Tracking, sha, a.receipt.SHA256)
		}
	}
	for tracking := range stored {
		if !acked[tracking] {
			t.Errorf("contribution %s is stored but was never acknowledged", tracking)
		}
	}
	t.Logf("stored %d contributions, acknowledged %d", len(stored), len(acks))

	// A retried key gives the same receipt, never a second row, even after
	// the window has closed.
	for i, a := range acks {
		if i%max(1, len(acks)/100) != 0 {
			continue
		}
		code, body, err := c.do("POST", api1+"/v1/processes/"+id+"/stages/ts1/contributions", a.token, a.key, a.body)
		var r process.Receipt
		if err == nil {
			err = json.Unmarshal(body, &r)
		}
		if err != nil || code != http.StatusOK || r.Tracking != a.receipt.Tracking || r.SHA256 != a.receipt.SHA256 ||
			!r.SubmittedAt.Equal(a.receipt.SubmittedAt) {
			t.Errorf("retrying %s: %d %s %v, want 200 and the receipt %+v", a.key, code, body, err, a.receipt)
		}
	}

	// The window's record counts what the store holds, and was sealed at
	// its deadline within a second; the record verifies.
	count, entries := -1, 0
	var sealLate time.Duration
	var next int64
	for {
		var page wire.RecordPage
		if err := c.getJSON(api1+"/v1/processes/"+id+"/record?after="+strconv.FormatInt(next, 10), &page); err != nil {
			t.Fatal(err)
		}
		entries += len(page.Entries)
		for _, e := range page.Entries {
			if e.StageID != "ts1" || e.Event != "window.closed" {
				continue
			}
			var d struct {
				Count int `json:"count"`
			}
			if err := json.Unmarshal(e.Data, &d); err != nil {
				t.Fatalf("window.closed data %s: %v", e.Data, err)
			}
			if count != -1 {
				t.Errorf("window ts1 closed twice in the record")
			}
			count = d.Count
			if at, err := time.Parse(time.RFC3339Nano, e.At); err != nil || !at.Equal(tmpl.Phases[0].Stages[0].Window.Closes.Time) {
				t.Errorf("window.closed at %s, want the deadline %s", e.At, tmpl.Phases[0].Stages[0].Window.Closes.Format(time.RFC3339))
			}
			sealLate = e.RecordedAt.Sub(window.ClosesAt)
		}
		if page.Next == 0 {
			break
		}
		next = page.Next
	}
	if count != len(stored) {
		t.Errorf("window.closed counts %d contributions, the store holds %d", count, len(stored))
	}
	if sealLate > time.Second {
		t.Errorf("window ts1 sealed %s after its deadline %s, want within 1s", sealLate.Round(time.Millisecond), window.ClosesAt.Format(time.RFC3339Nano))
	}
	var v wire.Verification
	if err := c.getJSON(api1+"/v1/processes/"+id+"/record/verify", &v); err != nil {
		t.Fatal(err)
	}
	if !v.Verified || v.Entries != entries {
		t.Errorf("record/verify: %+v, with %d entries read", v, entries)
	}
	t.Logf("fleet on PostgreSQL-backed Temporal: %d submitters, acknowledged %d, lost %d, duplicated %d, "+
		"window sealed %s after its deadline, record of %d entries verified %t, PostgreSQL restart %s, longest pause in acknowledgements %s, wall time %s",
		len(parties), len(acks), lost, duplicated, sealLate.Round(time.Millisecond), v.Entries, v.Verified,
		restartTook.Round(time.Millisecond), stall.Round(time.Millisecond), time.Since(began).Round(time.Second))

	// The survivors stop cleanly.
	for _, p := range []*itest.Proc{apis[0], workers[1]} {
		p.Signal(t, syscall.SIGTERM)
		if code := p.WaitExit(t, exitTimeout); code != 0 {
			t.Errorf("compact %s: exit code %d after SIGTERM, want 0", p.Args[0], code)
		}
	}
}

// scaleOutAck is a contribution an API acknowledged.
type scaleOutAck struct {
	key, token string
	body       map[string]any
	receipt    process.Receipt
	at         time.Duration // from the window's opening
	api        int           // 0 or 1, the API that answered
	retried    bool          // acknowledged on a retry
	both       bool          // sent while both APIs were in use
	created    bool          // 201 rather than 200
}

// scaleOutPG is the test's own PostgreSQL server, started with
// scripts/pg.sh so that its restart disturbs no other test.
type scaleOutPG struct{ url, dir string }

// scaleOutPostgres starts the server and stops it when the test ends. Like
// the other PostgreSQL tests, it runs where COMPACT_TEST_POSTGRES says
// PostgreSQL is at hand, and skips elsewhere but in CI.
func scaleOutPostgres(t *testing.T) scaleOutPG {
	t.Helper()
	postgresServer(t)
	if testing.Short() {
		t.Skip("-short: no compact binary")
	}
	out, err := exec.Command("../../scripts/pg.sh", "start").Output()
	if err != nil {
		t.Fatalf("scripts/pg.sh start: %v", errors.Join(err, exitStderr(err)))
	}
	var pg scaleOutPG
	for line := range strings.Lines(string(out)) {
		k, v, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "export "), "=")
		v = strings.Trim(v, "'")
		switch k {
		case "COMPACT_TEST_POSTGRES":
			pg.url = v
		case "COMPACT_TEST_POSTGRES_DIR":
			pg.dir = v
		}
	}
	if pg.url == "" || pg.dir == "" {
		t.Fatalf("scripts/pg.sh start printed %q", out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("../../scripts/pg.sh", "stop", pg.dir).CombinedOutput(); err != nil {
			t.Errorf("scripts/pg.sh stop: %v: %s", err, out)
		}
	})
	return pg
}

// restart restarts the server, its data kept, and returns how long it took.
func (pg scaleOutPG) restart(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	if out, err := exec.Command("../../scripts/pg.sh", "restart", pg.dir).CombinedOutput(); err != nil {
		t.Fatalf("scripts/pg.sh restart: %v: %s", err, out)
	}
	return time.Since(start)
}

func exitStderr(err error) error {
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return errors.New(string(ee.Stderr))
	}
	return nil
}

// scaleOutDatabase creates a database for the record store on the server
// at raw, drops it when the test ends, and returns its URL.
func scaleOutDatabase(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("COMPACT_TEST_POSTGRES: %v", err)
	}
	admin, err := sql.Open("pgx", raw)
	if err != nil {
		t.Fatal(err)
	}
	name := "compact_scaleout_" + strings.ToLower(rand.Text()[:16]) // unquoted names fold to lower case
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	// Registered first, so it runs after the processes' cleanups have
	// stopped them.
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			t.Error(err)
		}
	})
	db := *u
	db.Path = "/" + name
	return db.String()
}

// scaleOutToken makes a token with compact token create and returns its
// secret, the first line the command prints.
func scaleOutToken(t *testing.T, db, role, party string) string {
	t.Helper()
	p := itest.StartProcess(t, "token", "create", "--role", role, "--party", party, "--db", db)
	if code := p.WaitExit(t, 30*time.Second); code != 0 {
		t.Fatalf("compact token create --role %s --party %s: exit %d: %s", role, party, code, p.Output())
	}
	secret, _, _ := strings.Cut(p.Output(), "\n")
	if !strings.HasPrefix(secret, "cpt_") {
		t.Fatalf("compact token create printed %q, want a cpt_ secret first", p.Output())
	}
	return secret
}

// scaleOutClient sends the test's requests.
type scaleOutClient struct{ http *http.Client }

// do sends a JSON request with a bearer token and, if key is set, an
// Idempotency-Key; an error means no answer.
func (c *scaleOutClient) do(method, url, token, key string, body any) (int, []byte, error) {
	var rd io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte: // the ECOSOC list
		rd, contentType = bytes.NewReader(b), "text/csv"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	return res.StatusCode, b, nil
}

func (c *scaleOutClient) getJSON(url string, v any) error {
	code, body, err := c.do("GET", url, "", "", nil)
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", url, code, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errors.Join(fmt.Errorf("GET %s: %s", url, body), err)
	}
	return nil
}
