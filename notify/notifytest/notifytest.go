// Package notifytest runs the receiving ends of notify's channels on the
// loopback, for tests: a mail server that takes mail only over STARTTLS
// and after AUTH PLAIN and keeps what it receives, and a webhook receiver
// that verifies signatures and drops duplicates by webhook-id, as the
// Standard Webhooks specification asks of receivers.
package notifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/compact-un/compact/notify"
)

// Mail is a message the server accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
}

// SMTPServer is a mail server on 127.0.0.1.
type SMTPServer struct {
	Addr               string
	Username, Password string
	// TLS trusts the server's self-signed certificate.
	TLS *tls.Config

	srv    *smtp.Server
	mu     sync.Mutex
	mails  []Mail
	reject map[string]int // recipient: the code RCPT answers
}

// NewSMTPServer starts a server that the test stops when it ends.
func NewSMTPServer(t testing.TB) *SMTPServer {
	t.Helper()
	s, err := StartSMTPServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// StartSMTPServer starts a server to stop with Close, for a TestMain.
func StartSMTPServer() (*SMTPServer, error) {
	cert, pool, err := selfSigned()
	if err != nil {
		return nil, err
	}
	s := &SMTPServer{Username: "compact", Password: "s3cret", TLS: &tls.Config{RootCAs: pool}, reject: map[string]int{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{server: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Addr, s.srv = l.Addr().String(), srv
	go srv.Serve(l)
	return s, nil
}

// Close stops the server.
func (s *SMTPServer) Close() error { return s.srv.Close() }

// MailTo returns the messages accepted for a recipient so far.
func (s *SMTPServer) MailTo(rcpt string) []Mail {
	var out []Mail
	for _, m := range s.Mails() {
		if slices.Contains(m.To, rcpt) {
			out = append(out, m)
		}
	}
	return out
}

// Reject makes RCPT TO refuse a recipient with a code.
func (s *SMTPServer) Reject(recipient string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject[recipient] = code
}

// Mails returns the messages accepted so far.
func (s *SMTPServer) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

type session struct {
	server *SMTPServer
	conn   *smtp.Conn
	authed bool
	mail   Mail
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != s.server.Username || password != s.server.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if _, tls := s.conn.TLSConnectionState(); !tls || !s.authed {
		return smtp.ErrAuthRequired
	}
	s.mail = Mail{From: from}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.server.mu.Lock()
	code := s.server.reject[to]
	s.server.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "no such mailbox"}
	}
	s.mail.To = append(s.mail.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mail.Data = b
	s.server.mu.Lock()
	s.server.mails = append(s.server.mails, s.mail)
	s.server.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.mail = Mail{} }
func (s *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "notifytest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool, nil
}

// Webhook is a webhook the receiver processed.
type Webhook struct {
	ID   string
	Body []byte
}

// WebhookReceiver is a webhook endpoint on 127.0.0.1.
type WebhookReceiver struct {
	URL    string
	Secret string

	mu         sync.Mutex
	fail       []int // statuses to answer before processing, in turn
	requests   int
	duplicates int
	seen       map[string]bool
	processed  []Webhook
}

// NewWebhookReceiver starts a receiver with a new secret that the test
// stops when it ends.
func NewWebhookReceiver(t testing.TB) *WebhookReceiver {
	r := &WebhookReceiver{Secret: notify.NewWebhookSecret(), seen: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	r.URL = srv.URL + "/hook"
	return r
}

// FailNext makes the next requests fail with these statuses, one each.
func (r *WebhookReceiver) FailNext(statuses ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = append(r.fail, statuses...)
}

func (r *WebhookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if err := notify.VerifyWebhook(r.Secret, req.Header, body, time.Now()); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if len(r.fail) > 0 {
		status := r.fail[0]
		r.fail = r.fail[1:]
		http.Error(w, http.StatusText(status), status)
		return
	}
	id := req.Header.Get("webhook-id")
	if r.seen[id] {
		r.duplicates++ // acknowledged, not processed again
		return
	}
	r.seen[id] = true
	r.processed = append(r.processed, Webhook{ID: id, Body: body})
}

// Processed returns the webhooks processed, each once.
func (r *WebhookReceiver) Processed() []Webhook {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Webhook(nil), r.processed...)
}

// Requests and Duplicates count every request received and those dropped
// as already processed.
func (r *WebhookReceiver) Requests() (requests, duplicates int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests, r.duplicates
}
