package crash_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/itest"
	"github.com/compact-un/compact/process"
)

const (
	readyTimeout = 60 * time.Second
	exitTimeout  = 20 * time.Second
	// dayWall is how long a process day lasts on the wall.
	dayWall = 2 * time.Second
	scale   = float64(24*time.Hour) / float64(dayWall)
)

// base is the first stage's day in process time; the process's clock
// starts a day earlier (a scaled clock's origin), dayWall before it.
var base = time.Date(2040, 1, 2, 0, 0, 0, 0, time.UTC)

// server is the one `compact serve` of a run, killed and restarted on the
// same data directory and ports.
type server struct {
	t       *testing.T
	dataDir string
	args    []string
	base    string // http://127.0.0.1:port
	proc    *itest.Proc

	mu    sync.Mutex
	downs []interval // from each kill to the restart's readiness
}

type interval struct{ from, to time.Time }

func newServer(t *testing.T) *server {
	dataDir, httpAddr := t.TempDir(), itest.FreeAddr(t)
	return &server{
		t: t, dataDir: dataDir, base: "http://" + httpAddr,
		args: []string{"serve", "--data-dir", dataDir, "--http-addr", httpAddr,
			"--temporal-port", strconv.Itoa(itest.FreePort(t))},
	}
}

func (s *server) dbPath() string { return s.dataDir + "/compact.db" }

// start runs serve and waits for /readyz; it returns the time from exec to
// ready.
func (s *server) start() time.Duration {
	s.t.Helper()
	s.proc = itest.StartProcess(s.t, s.args...)
	took := s.proc.WaitReady(s.t, s.base+"/readyz", readyTimeout)
	if took > 3*time.Second {
		s.t.Logf("NOTE: serve took %s to be ready; its output:\n%s", took.Round(time.Millisecond), s.proc.Output())
	}
	return took
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() time.Time {
	s.t.Helper()
	at := time.Now()
	s.proc.Signal(s.t, syscall.SIGKILL)
	s.proc.WaitExit(s.t, exitTimeout)
	return at
}

func (s *server) addDown(from, to time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.downs = append(s.downs, interval{from, to})
}

// downAt reports whether the server was down (killed, not yet ready) at t.
func (s *server) downAt(t time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.downs {
		if !t.Before(d.from) && t.Before(d.to) {
			return true
		}
	}
	return false
}

// upAt is t, or when t fell while the server was down, when it was ready
// again: the earliest the server could act on something due at t.
func (s *server) upAt(t time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.downs {
		if !t.Before(d.from) && t.Before(d.to) {
			return d.to
		}
	}
	return t
}

// upFor is how long the server was up (ready) between from and to.
func (s *server) upFor(from, to time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	up := to.Sub(from)
	for _, d := range s.downs {
		if lo, hi := later(d.from, from), earlier(d.to, to); lo.Before(hi) {
			up -= hi.Sub(lo)
		}
	}
	return up
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// lastKill describes the last kill before t.
func (s *server) lastKill(t time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.downs) - 1; i >= 0; i-- {
		if d := s.downs[i]; d.from.Before(t) {
			return fmt.Sprintf("the last kill before was at %s (%s before), ready again at %s",
				d.from.Format("15:04:05.000"), t.Sub(d.from).Round(time.Millisecond), d.to.Format("15:04:05.000"))
		}
	}
	return "no kill before"
}

// createToken makes a token with `compact token create` on the store file,
// which must be free: before the first start or while the server is down.
func (s *server) createToken(role, party string) string {
	s.t.Helper()
	p := itest.StartProcess(s.t, "token", "create", "--role", role, "--party", party, "--db", s.dbPath(),
		"--label", "crash suite")
	if code := p.WaitExit(s.t, exitTimeout); code != 0 {
		s.t.Fatalf("token create %s %s: exit code %d:\n%s", role, party, code, p.Output())
	}
	for line := range strings.Lines(p.Output()) {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "cpt_") {
			return line
		}
	}
	s.t.Fatalf("token create %s %s printed no secret:\n%s", role, party, p.Output())
	return ""
}

// client is a small client of the API.
type client struct {
	base string
	hc   *http.Client
}

// response is one exchange: err is a transport error (the server died, or
// was not there), sent and recv bracket the server's handling.
type response struct {
	status     int
	body       []byte
	err        error
	sent, recv time.Time
}

func (r response) String() string {
	if r.err != nil {
		return r.err.Error()
	}
	return fmt.Sprintf("%d %s", r.status, bytes.TrimSpace(r.body))
}

// detail is a problem's detail.
func (r response) detail() string {
	var p struct {
		Detail string `json:"detail"`
	}
	_ = json.Unmarshal(r.body, &p)
	return p.Detail
}

// transient reports whether the request may be retried as is: the server
// died or was down, or answered that it is busy or unavailable.
func (r response) transient() bool {
	return r.err != nil || r.status == http.StatusTooManyRequests || r.status >= 500
}

// decode parses the body into v; call it from the test's goroutine only.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r, err)
	}
}

func (c *client) do(ctx context.Context, method, path, token string, body any, header ...string) response {
	var rd io.Reader
	if b, ok := body.([]byte); ok { // sent as is, its Content-Type in header
		rd = bytes.NewReader(b)
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return response{err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return response{err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	r := response{sent: time.Now()}
	res, err := c.hc.Do(req)
	if err != nil {
		r.err, r.recv = err, time.Now()
		return r
	}
	defer res.Body.Close()
	r.body, r.err = io.ReadAll(res.Body)
	r.status, r.recv = res.StatusCode, time.Now()
	return r
}

// must does a request that the server, up, answers with want; it retries
// transient failures for up to two minutes (an update waits for its
// workflow, which a killed worker's activity can hold up for a minute).
func (c *client) must(t testing.TB, method, path, token string, body any, want int) response {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
		r := c.do(ctx, method, path, token, body)
		cancel()
		switch {
		case r.err == nil && r.status == want:
			return r
		case r.transient() && time.Now().Before(deadline):
			time.Sleep(200 * time.Millisecond) // a client's backoff between retries, within the deadline
		default:
			t.Fatalf("%s %s: %s, want %d", method, path, r, want)
		}
	}
}

// clock maps process time to the wall, as the process's workflows do.
type clock struct {
	origin, start time.Time
	scale         float64
}

func (c clock) wall(p time.Time) time.Time {
	return c.start.Add(time.Duration(float64(p.Sub(c.origin)) / c.scale))
}

func (c clock) proc(w time.Time) time.Time {
	return c.origin.Add(time.Duration(float64(w.Sub(c.start)) * c.scale))
}

func day(d float64) process.Date {
	return process.Date{Time: base.Add(time.Duration(d * float64(24*time.Hour)))}
}

// template is the run's process: a milestone, four consultations whose
// windows close over the first half minute, and a tail milestone ten years
// on that keeps the process running until the suite cancels it. The PGA
// office adds a consultation every cycle.
func template(id, code string) process.Template {
	consult := func(id string, kind process.StageKind, code string, opens, closes float64) process.StageSpec {
		return process.StageSpec{ID: id, Kind: kind, Code: code, Title: "Crash suite " + id, Place: "Geneva",
			Start: day(opens), End: day(opens + (closes-opens)/2 + 0.01),
			Window: &process.Window{Opens: day(opens), Closes: day(closes)}}
	}
	return process.Template{
		ID: id, Title: "Crash suite", Code: code,
		Rules: process.Rules{NonObjectionDays: 1, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{
			{ID: "consultations", Title: "Consultations", Stages: []process.StageSpec{
				{ID: "mandate", Kind: process.Milestone, Title: "Modalities resolution", Start: day(0)},
				consult("ts1", process.ThematicSession, "TS1", 0.25, 2),
				consult("hr1", process.Hearing, "HR1", 1, 5),
				consult("st1", process.Stocktaking, "ST1", 3, 10),
				consult("ts2", process.ThematicSession, "TS2", 8, 16),
			}},
			{ID: "closing", Title: "Closing", Stages: []process.StageSpec{
				{ID: "tail", Kind: process.Milestone, Title: "Closing (cancelled at the end of the run)", Start: day(3650)},
			}},
		},
	}
}

// Views of the API's answers, as far as the suite reads them.
type (
	openWindow struct {
		StageID  string    `json:"stageId"`
		Code     string    `json:"code"`
		OpensAt  time.Time `json:"opensAt"`
		ClosesAt time.Time `json:"closesAt"`
	}
	processStatus struct {
		ID          string       `json:"id"`
		Status      string       `json:"status"`
		Current     []string     `json:"current"`
		OpenWindows []openWindow `json:"openWindows"`
	}
	stageDetail struct {
		process.Stage
		Window *process.ContributionWindow `json:"window"`
	}
	receipt struct {
		Tracking    string    `json:"tracking"`
		SubmittedAt time.Time `json:"submittedAt"`
		SHA256      string    `json:"sha256"`
	}
	contribution struct {
		Tracking    string    `json:"tracking"`
		StageID     string    `json:"stageId"`
		Party       string    `json:"party"`
		Role        string    `json:"role"`
		Title       string    `json:"title"`
		SubmittedAt time.Time `json:"submittedAt"`
		SHA256      string    `json:"sha256"`
	}
	recordEntry struct {
		Seq        int64           `json:"seq"`
		Key        string          `json:"key"`
		StageID    string          `json:"stageId"`
		Event      string          `json:"event"`
		At         string          `json:"at"`
		RecordedAt time.Time       `json:"recordedAt"`
		Data       json.RawMessage `json:"data"`
	}
)
