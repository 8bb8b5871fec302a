package itest_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/internal/itest"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
	"github.com/compact-un/compact/workflows"
)

// TestDeliveryKilledBetweenSendAndRecord kills a worker process with
// SIGKILL after the receiver accepted a notification and before the
// worker recorded it, for an email and then a webhook. The next worker
// sends it again, under the same Message-ID or webhook-id: SMTP and HTTP
// cannot tell the sender whether a message it lost track of arrived, so
// the send does repeat, and the receiver recognises the repeat. The
// recipient has one message.
//
// The kill falls exactly there: the receivers take SQLite's write lock
// before they accept, so that the worker cannot record, and the test kills
// it once the exchange is over.
func TestDeliveryKilledBetweenSendAndRecord(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "compact.db")
	port := strconv.Itoa(itest.FreePort(t))
	itest.StartProcess(t, "temporal", "--data-dir", dir, "--temporal-port", port)

	lock := &dbLock{path: db}
	mailbox := newMailbox(t, lock)
	hooks := newHookReceiver(t, lock)
	worker := func() *itest.Proc {
		addr := itest.FreeAddr(t)
		p := itest.StartProcess(t, "worker", "--temporal-address", "127.0.0.1:"+port, "--db", db, "--http-addr", addr,
			"--smtp-addr", mailbox.addr, "--smtp-starttls", "none", "--smtp-from", "Compact <noreply@compact.example>",
			"--public-url", "https://compact.example", "--unsubscribe-key", "0123456789abcdef0123456789abcdef",
			"--webhook-allow-private")
		p.WaitReady(t, "http://"+addr+"/readyz", readyTimeout)
		return p
	}
	w := worker()

	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := client.Dial(client.Options{HostPort: "127.0.0.1:" + port, Namespace: "default", Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := st.PutProcess(ctx, process.Process{ID: "p", TemplateID: "t", Title: "Global Compact for Migration", Code: "GCM", Status: "running"}); err != nil {
		t.Fatal(err)
	}
	// The email reader takes drafts, the webhook windows: one event each.
	secret := notify.NewWebhookSecret()
	for _, sub := range []store.Subscription{
		{ProcessID: "p", Recipient: "focal.point@mission.example", Channel: notify.ChannelEmail, Topics: []string{"drafts"}, Language: "es"},
		{ProcessID: "p", Recipient: hooks.url, Channel: notify.ChannelWebhook, Topics: []string{"windows"}},
	} {
		if _, err := st.Subscribe(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.PutEndpoint(ctx, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: hooks.url, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	hooks.mu.Lock()
	hooks.secret = secret
	hooks.mu.Unlock()

	for _, tc := range []struct {
		event event.Name
		key   string
		sent  <-chan struct{}
	}{
		{event.DraftPublished, "p/zero/draft.published|focal.point@mission.example|email", mailbox.sent},
		{event.WindowOpened, "p/ts1/window.opened|" + hooks.url + "|webhook", hooks.sent},
	} {
		eventKey := "p/" + map[event.Name]string{event.DraftPublished: "zero", event.WindowOpened: "ts1"}[tc.event] + "/" + string(tc.event)
		n, err := activities.New(st).Notify(ctx, activities.NotifyInput{ProcessID: "p", Key: eventKey, StageID: "ts1", Event: tc.event,
			Data: json.RawMessage(`{"closes":"2030-02-01T12:00:00Z","code":"TS1","revision":0,"title":"Zero draft"}`)})
		if err != nil || n != 1 {
			t.Fatalf("notify %s: %d, %v", tc.event, n, err)
		}
		if err := workflows.StartDelivery(ctx, c, eventKey); err != nil {
			t.Fatal(err)
		}
		select {
		case <-tc.sent:
		case <-time.After(readyTimeout):
			t.Fatalf("%s: nothing received", tc.event)
		}
		w.Signal(t, syscall.SIGKILL)
		w.WaitExit(t, exitTimeout)
		lock.release(t)
		if n, err := st.GetNotification(ctx, tc.key); err != nil || n.State != store.NotificationPending {
			t.Fatalf("%s after the kill: %+v, %v; want it pending, unrecorded", tc.event, n, err)
		}
		killedAt := time.Now()
		w = worker()
		itest.Eventually(t, 90*time.Second, func(ctx context.Context) error {
			n, err := st.GetNotification(ctx, tc.key)
			if err == nil && n.State != store.NotificationSent {
				return fmt.Errorf("%s is %s", tc.key, n.State)
			}
			return err
		})
		attempts, err := st.Deliveries(ctx, tc.key)
		if err != nil || len(attempts) != 1 || attempts[0].Status != store.DeliverySent {
			t.Fatalf("%s: attempts %+v, %v; want the one after the kill", tc.event, attempts, err)
		}
		t.Logf("%s: delivered again %s after the kill", tc.event, time.Since(killedAt).Round(100*time.Millisecond))
	}

	// The mailbox got the message twice, under one Message-ID: a mail
	// client shows one.
	mails := mailbox.all()
	if len(mails) != 2 {
		t.Fatalf("the mail server got %d messages, want 2: the one lost track of, and its resend", len(mails))
	}
	var ids []string
	for _, m := range mails {
		msg, err := mail.ReadMessage(bytes.NewReader(m))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, msg.Header.Get("Message-ID"))
	}
	if want := notify.MessageID("p/zero/draft.published|focal.point@mission.example|email"); !slices.Equal(ids, []string{want, want}) {
		t.Fatalf("Message-IDs %v, want %s twice", ids, want)
	}
	// The receiver got the webhook twice and processed it once.
	requests, processed := hooks.counts()
	if requests != 2 || processed != 1 {
		t.Fatalf("webhook receiver: %d requests, %d processed; want 2 and 1", requests, processed)
	}
}

// dbLock holds SQLite's write lock on the record store from another
// connection.
type dbLock struct {
	path string
	mu   sync.Mutex
	db   *sql.DB
	conn *sql.Conn
}

func (l *dbLock) take() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	db, err := sql.Open("sqlite", "file:"+l.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	conn, err := db.Conn(context.Background())
	if err == nil {
		_, err = conn.ExecContext(context.Background(), "BEGIN IMMEDIATE")
	}
	if err != nil {
		db.Close()
		return err
	}
	l.db, l.conn = db, conn
	return nil
}

func (l *dbLock) release(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		t.Fatal("the receiver took no lock")
	}
	_, err := l.conn.ExecContext(context.Background(), "ROLLBACK")
	l.conn.Close()
	l.db.Close()
	l.conn, l.db = nil, nil
	if err != nil {
		t.Fatal(err)
	}
}

// mailbox is a plain SMTP server (no TLS, no AUTH, as a relay on the same
// host) that takes the record store's write lock before it accepts the
// first message, and reports once the worker has quit the session.
type mailbox struct {
	addr  string
	lock  *dbLock
	sent  chan struct{}
	mu    sync.Mutex
	mails [][]byte
}

func newMailbox(t *testing.T, lock *dbLock) *mailbox {
	m := &mailbox{lock: lock, sent: make(chan struct{}, 1)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{m: m}, nil }))
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return m
}

func (m *mailbox) all() [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.mails)
}

type mailSession struct {
	m        *mailbox
	accepted bool // the first message, which the worker is to lose track of
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Reset()                               {}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if len(s.m.mails) == 0 {
		if err := s.m.lock.take(); err != nil {
			return err
		}
		s.accepted = true
	}
	s.m.mails = append(s.m.mails, b)
	return nil // 250: accepted
}

// Logout follows the worker's QUIT: its send is over.
func (s *mailSession) Logout() error {
	if s.accepted {
		s.m.sent <- struct{}{}
	}
	return nil
}

// hookReceiver verifies webhooks and processes each webhook-id once; it
// takes the write lock before it answers the first request.
type hookReceiver struct {
	url, secret string
	lock        *dbLock
	sent        chan struct{}
	mu          sync.Mutex
	requests    int
	seen        map[string]bool
}

func newHookReceiver(t *testing.T, lock *dbLock) *hookReceiver {
	h := &hookReceiver{lock: lock, sent: make(chan struct{}, 1), seen: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(srv.Close)
	h.url = srv.URL + "/hook"
	return h
}

func (h *hookReceiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.requests++
	first := h.requests == 1
	if err := notify.VerifyWebhook(h.secret, r.Header, body, time.Now()); err != nil {
		h.mu.Unlock()
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	h.seen[r.Header.Get("webhook-id")] = true
	h.mu.Unlock()
	if first {
		if err := h.lock.take(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Length", "0") // the whole answer, flushed now
	w.WriteHeader(http.StatusOK)
	if first {
		w.(http.Flusher).Flush()
		h.sent <- struct{}{}
	}
}

func (h *hookReceiver) counts() (requests, processed int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests, len(h.seen)
}
