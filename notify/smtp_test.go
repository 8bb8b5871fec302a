package notify_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/mail"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/notify/notifytest"
	"github.com/compact-un/compact/process"
)

// relay is a mail server without TLS or AUTH, on a loopback address that
// is not one of the names taken for this host (127.0.0.2).
type relay struct {
	mu    sync.Mutex
	mails int
}

func (r *relay) Mail(string, *smtp.MailOptions) error { return nil }
func (r *relay) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (r *relay) Reset()                               {}
func (r *relay) Logout() error                        { return nil }
func (r *relay) Data(body io.Reader) error {
	if _, err := io.Copy(io.Discard, body); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mails++
	return nil
}

func startRelay(t *testing.T) (addr string, r *relay) {
	t.Helper()
	r = &relay{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return r, nil }))
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String(), r
}

// TestEmailStartTLSModes: required never sends in the clear, opportunistic
// upgrades when it can and sends in the clear when it cannot, none never
// upgrades.
func TestEmailStartTLSModes(t *testing.T) {
	secure := notifytest.NewSMTPServer(t) // takes mail only over TLS, after AUTH
	relayAddr, plain := startRelay(t)
	from := mail.Address{Address: "noreply@compact.example"}
	for _, tt := range []struct {
		name  string
		e     *notify.Email
		kind  process.Kind // of the failure, when it fails
		fails bool
	}{
		{name: "required, offered", e: sender(secure)},
		{name: "opportunistic, offered", e: func() *notify.Email { e := sender(secure); e.TLS = notify.StartTLSOpportunistic; return e }()},
		{name: "required, not offered", e: &notify.Email{Addr: relayAddr, From: from, Unsubscribe: unsubscribe}, fails: true, kind: process.Unavailable},
		{name: "opportunistic, not offered", e: &notify.Email{Addr: relayAddr, TLS: notify.StartTLSOpportunistic, From: from, Unsubscribe: unsubscribe}},
		{name: "none", e: &notify.Email{Addr: relayAddr, TLS: notify.StartTLSNone, From: from, Unsubscribe: unsubscribe}},
		{name: "no password in the clear", e: &notify.Email{Addr: relayAddr, TLS: notify.StartTLSNone, Username: "u", Password: "p", From: from, Unsubscribe: unsubscribe}, fails: true, kind: process.Internal},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.e.Send(t.Context(), message(t, "window.opened", "a@example.org", "en"))
			if (err != nil) != tt.fails || tt.fails && process.KindOf(err) != tt.kind {
				t.Fatalf("got %v, want a failure %v of kind %v", err, tt.fails, tt.kind)
			}
			if _, ok := errors.AsType[*notify.EndpointError](err); ok {
				t.Errorf("%v is the mail server's failure, not the recipient's", err)
			}
		})
	}
	plain.mu.Lock()
	defer plain.mu.Unlock()
	if got, want := len(secure.Mails()), 2; got != want {
		t.Errorf("the TLS server got %d messages, want %d", got, want)
	}
	if plain.mails != 2 {
		t.Errorf("the relay got %d messages in the clear, want 2", plain.mails)
	}
}

// TestEmailEndsWithItsContext: a server that never greets holds the
// delivery only until its context ends.
func TestEmailEndsWithItsContext(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		cancel() // connected, and silent
		io.Copy(io.Discard, conn)
	}()
	e := &notify.Email{Addr: l.Addr().String(), From: mail.Address{Address: "noreply@compact.example"}, Unsubscribe: unsubscribe}
	err = e.Send(ctx, message(t, "window.opened", "a@example.org", "en"))
	if process.KindOf(err) != process.Unavailable {
		t.Errorf("got %v, want the server unavailable", err)
	}
}
