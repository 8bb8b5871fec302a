package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/compact-un/compact/internal/contracttest"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/notify/notifytest"
	"github.com/compact-un/compact/store"
)

// The API's tests run against a real embedded Temporal server, a worker
// and a SQLite store, shared by the package's tests: each test makes its
// own processes, under IDs and codes of its own.
var stack struct {
	temporal client.Client
	store    store.Store
	mail     *notifytest.SMTPServer // where the worker delivers email
}

// traffic checks every request of the package's tests, and every answer,
// against openapi.json.
var traffic *contracttest.Contract

// testLinks sign the links in the stack's messages, for the API and the
// worker alike.
var testLinks = Links{PublicURL: "https://compact.example", Key: []byte("0123456789abcdef0123456789abcdef")}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	stacktest.KeepFuzzWorkerOutput()
	mailServer, err := notifytest.StartSMTPServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer mailServer.Close()
	st, err := stacktest.Start(stacktest.Options{Senders: notify.Senders{
		notify.ChannelEmail: &notify.Email{Addr: mailServer.Addr, TLSConfig: mailServer.TLS, Username: mailServer.Username,
			Password: mailServer.Password, From: mail.Address{Name: "Compact", Address: "noreply@compact.example"},
			Unsubscribe: notify.Unsubscribe{URL: testLinks.PublicURL + "/v1/unsubscribe", Secret: testLinks.Key}},
		notify.ChannelWebhook: &notify.Webhook{Client: &http.Client{Timeout: 5 * time.Second}}, // the loopback is allowed here
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	stack.temporal, stack.store, stack.mail = st.Temporal, st.Store, mailServer
	if traffic, err = contracttest.New(openAPIDocument); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	// Every documented route must have been called, when every test ran.
	wholePackage := flag.Lookup("test.run").Value.String() == ""
	if !traffic.Report(os.Stderr, wholePackage) && code == 0 {
		code = 1
	}
	return code
}

// apiServer is the API over the shared stack.
type apiServer struct {
	t  testing.TB
	hs *httptest.Server
	s  *Server
}

// newAPIServer serves the API over the shared stack; opts change its
// options.
func newAPIServer(t testing.TB, opts ...func(*Options)) *apiServer {
	t.Helper()
	// The tests' webhook receivers listen on the loopback.
	o := Options{Temporal: stack.temporal, Store: stack.store, Links: testLinks, AllowPrivateWebhooks: true}
	for _, opt := range opts {
		opt(&o)
	}
	s := New(o)
	hs := httptest.NewServer(traffic.Check(s.Handler()))
	t.Cleanup(hs.Close)
	return &apiServer{t: t, hs: hs, s: s}
}

// token issues a token straight into the store.
func (a *apiServer) token(role Role, party, processID string) string {
	a.t.Helper()
	secret, tok, err := NewToken(role, party, processID, "test", time.Now())
	return stacktest.Issue(a.t, stack.store, secret, tok, err)
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

// The shared test stack's process IDs and template.
var (
	uniqueID     = stacktest.UniqueID
	testTemplate = stacktest.Template
)
