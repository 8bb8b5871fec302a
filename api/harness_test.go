package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/notify/notifytest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
	"github.com/compact-un/compact/temporal/embedded"
	"github.com/compact-un/compact/worker"
)

// The API's tests run against a real embedded Temporal server, a worker
// and a SQLite store, shared by the package's tests: each test makes its
// own processes, under IDs and codes of its own.
var stack struct {
	temporal client.Client
	store    store.Store
	mail     *notifytest.SMTPServer // where the worker delivers email
}

// testLinks sign the links in the stack's messages, for the API and the
// worker alike.
var testLinks = Links{PublicURL: "https://compact.example", Key: []byte("0123456789abcdef0123456789abcdef")}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "compact-api-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv, err := embedded.Start(embedded.Options{DataDir: filepath.Join(dir, "temporal"), Namespace: "default"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.Address(), Namespace: "default"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer c.Close()
	db, err := sqlite.Open(filepath.Join(dir, "compact.db"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	mailServer, err := notifytest.StartSMTPServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer mailServer.Close()
	var w sdkworker.Worker = worker.NewWith(c, activities.New(db), &activities.Deliverer{Store: db, Senders: notify.Senders{
		notify.ChannelEmail: &notify.Email{Addr: mailServer.Addr, TLSConfig: mailServer.TLS, Username: mailServer.Username,
			Password: mailServer.Password, From: mail.Address{Name: "Compact", Address: "noreply@compact.example"},
			Unsubscribe: notify.Unsubscribe{URL: testLinks.PublicURL + "/v1/unsubscribe", Secret: testLinks.Key}},
		notify.ChannelWebhook: &notify.Webhook{Client: &http.Client{Timeout: 5 * time.Second}}, // the loopback is allowed here
	}})
	if err := w.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer w.Stop()
	stack.temporal, stack.store, stack.mail = c, db, mailServer
	return m.Run()
}

// apiServer is the API over the shared stack.
type apiServer struct {
	t  testing.TB
	hs *httptest.Server
	s  *Server
}

func newAPIServer(t testing.TB) *apiServer {
	t.Helper()
	s := New(Options{Temporal: stack.temporal, Store: stack.store, Links: testLinks})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &apiServer{t: t, hs: hs, s: s}
}

// token issues a token straight into the store.
func (a *apiServer) token(role Role, party, processID string) string {
	a.t.Helper()
	secret, tok, err := NewToken(role, party, processID, "test", time.Now())
	if err != nil {
		a.t.Fatal(err)
	}
	if err := stack.store.CreateToken(context.Background(), tok); err != nil {
		a.t.Fatal(err)
	}
	return secret
}

// response is a response read whole.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r response) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("status %d body %s: %v", r.Status, r.Body, err)
	}
}

// do sends a request; body is JSON-encoded unless it is []byte or nil.
func (a *apiServer) do(method, path, token string, body any, header ...string) response {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, a.hs.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
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
	res, err := a.hs.Client().Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

var uniq atomic.Int64

// uniqueID makes a process ID and a tracking code no other test uses.
func uniqueID(prefix string) (id, code string) {
	n := uniq.Add(1)
	return fmt.Sprintf("%s-%d", prefix, n), fmt.Sprintf("T%d", n)
}

// testTemplate is a small process that starts soon after now, in real
// time: an accreditation window, a thematic session with its window, two
// drafts around a round, a conference and an endorsement.
func testTemplate(id, code string, start time.Time) process.Template {
	d := func(days float64) process.Date {
		return process.Date{Time: start.Add(time.Duration(days * float64(24*time.Hour))).UTC().Truncate(time.Second)}
	}
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
