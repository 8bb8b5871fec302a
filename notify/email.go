package notify

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/process"
)

// TLSMode is when the connection to the mail server is upgraded with
// STARTTLS.
type TLSMode int

const (
	StartTLSRequired      TLSMode = iota // never send in the clear: the zero value
	StartTLSOpportunistic                // upgrade when the server offers it
	StartTLSNone                         // never upgrade: a relay on the same host
)

// Email sends notifications through a mail submission server.
type Email struct {
	Addr               string // the server's host:port
	TLS                TLSMode
	TLSConfig          *tls.Config // nil verifies the server's certificate for Addr's host
	Username, Password string      // for AUTH PLAIN, when Username is set
	From               mail.Address
	Hello              string // the EHLO name; "" is "localhost"
	Unsubscribe        Unsubscribe
	Timeout            time.Duration // for one message; 0 is a minute
}

// Send composes m in the recipient's language and submits it.
//
// A refusal of the recipient or of the message (a 5xx reply to RCPT or to
// the data) is the endpoint's permanent failure; every other failure (the
// server unreachable, a 4xx, refused credentials) is ours, and retryable.
func (e *Email) Send(ctx context.Context, m Message) error {
	const op = "notify.Email.Send"
	to, err := mail.ParseAddress(m.Recipient)
	if err != nil {
		return &EndpointError{process.Errorf(op, process.Invalid, "recipient %q: %v", m.Recipient, err)}
	}
	msg, err := e.compose(m, *to)
	if err != nil {
		return err
	}
	return e.submit(ctx, to.Address, msg)
}

// compose writes the message: multipart/mixed holding multipart/alternative
// (text and HTML) and, when the event moves a date, a text/calendar
// invitation. It depends only on m, so a resend is the same message.
func (e *Email) compose(m Message, to mail.Address) ([]byte, error) {
	const op = "notify.Email.compose"
	ev, err := decodeNotice(m.Payload)
	if err != nil {
		return nil, process.E(op, process.Invalid, err)
	}
	language := lang.Match(m.Language) // a stored tag such as "fr-CH" or "zh_Hans"
	unsubscribe, err := e.Unsubscribe.Link(Claims{Recipient: to.Address, ProcessID: m.ProcessID, Channel: ChannelEmail}, m.CreatedAt)
	if err != nil {
		return nil, err
	}
	title, stage := words(language, m, ev.StageID)
	c, err := renderContent(language, view{Process: title, Stage: stage, Event: m.Event, Data: ev.fields}, unsubscribe)
	if err != nil {
		return nil, process.E(op, process.Internal, err)
	}
	text, err := c.text()
	if err != nil {
		return nil, process.E(op, process.Internal, err)
	}
	html, err := c.html()
	if err != nil {
		return nil, process.E(op, process.Internal, err)
	}

	// Boundaries from the key keep the message the same on a resend; "=_"
	// cannot occur in quoted-printable or base64 text.
	var body bytes.Buffer
	mixed := multipart.NewWriter(&body)
	altBoundary := "=_alt_" + id(m.Key)
	if err := mixed.SetBoundary("=_mixed_" + id(m.Key)); err != nil {
		return nil, process.E(op, process.Internal, err)
	}
	altPart, err := mixed.CreatePart(textproto.MIMEHeader{
		"Content-Type": {mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": altBoundary})},
	})
	if err != nil {
		return nil, process.E(op, process.Internal, err)
	}
	alt := multipart.NewWriter(altPart)
	err = errors.Join(alt.SetBoundary(altBoundary),
		writePart(alt, "text/plain; charset=utf-8", "quoted-printable", text),
		writePart(alt, "text/html; charset=utf-8", "quoted-printable", html),
		alt.Close())
	if inv, ok := invitationFor(ev, c.Subject, strings.Join(c.Body, "\n")); ok && err == nil {
		ics := mime.FormatMediaType("text/calendar", map[string]string{"charset": "utf-8", "method": inv.Method, "name": "invite.ics"})
		err = writePart(mixed, ics, "base64", inv.ics(e.From, to, m.CreatedAt))
	}
	if err := errors.Join(err, mixed.Close()); err != nil {
		return nil, process.E(op, process.Internal, err)
	}

	var msg bytes.Buffer
	header := func(name, value string) { fmt.Fprintf(&msg, "%s: %s\r\n", name, value) }
	header("Date", m.CreatedAt.UTC().Format(time.RFC1123Z))
	header("From", e.From.String())
	header("To", to.String())
	header("Subject", encodeWords(c.Subject))
	header("Message-ID", MessageID(m.Key))
	header("MIME-Version", "1.0")
	header("Content-Language", language)
	header("List-Unsubscribe", "<"+unsubscribe+">")
	header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click") // RFC 8058: one click, no page
	header("Auto-Submitted", "auto-generated")                    // RFC 3834: no auto-replies, please
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mixed.Boundary()}))
	msg.WriteString("\r\n")
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}

// writePart writes a leaf part in the transfer encoding, quoted-printable
// (which also makes line ends CRLF) or base64.
func writePart(w *multipart.Writer, contentType, encoding string, content []byte) error {
	h := textproto.MIMEHeader{"Content-Type": {contentType}, "Content-Transfer-Encoding": {encoding}}
	if strings.HasPrefix(contentType, "text/calendar") {
		h.Set("Content-Disposition", `attachment; filename="invite.ics"`)
	}
	part, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	if encoding == "base64" {
		b64 := base64.StdEncoding.EncodeToString(content)
		for len(b64) > 76 {
			io.WriteString(part, b64[:76]+"\r\n")
			b64 = b64[76:]
		}
		_, err := io.WriteString(part, b64+"\r\n")
		return err
	}
	qp := quotedprintable.NewWriter(part)
	if _, err := qp.Write(content); err != nil {
		return err
	}
	return qp.Close()
}

// encodeWords encodes a header's text as RFC 2047 words when it is not
// plain ASCII, one word a folded line.
func encodeWords(s string) string {
	s = strings.Join(strings.Fields(s), " ") // no line breaks in a header
	return strings.ReplaceAll(mime.BEncoding.Encode("utf-8", s), "?= =?", "?=\r\n =?")
}

// submit sends msg to one recipient. The connection closes when ctx ends,
// so every step of the session is bounded by the one deadline.
func (e *Email) submit(ctx context.Context, to string, msg []byte) error {
	const op = "notify.Email.Send"
	host, _, err := net.SplitHostPort(e.Addr)
	if err != nil {
		return process.Errorf(op, process.Internal, "mail server %q: %v", e.Addr, err)
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(e.Timeout, time.Minute))
	defer cancel()
	c, err := e.open(ctx, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if e.Username != "" {
		// As net/smtp did: no password in the clear except to this host.
		if _, secure := c.TLSConnectionState(); !secure && !slices.Contains([]string{"localhost", "127.0.0.1", "::1"}, host) {
			return process.Errorf(op, process.Internal, "refusing to send the password to %s unencrypted", e.Addr)
		}
		if err := c.Auth(sasl.NewPlainClient("", e.Username, e.Password)); err != nil {
			return relayError(op, err)
		}
	}
	if err := c.Mail(e.From.Address, nil); err != nil {
		return relayError(op, err)
	}
	if err := c.Rcpt(to, nil); err != nil {
		return recipientError(op, err)
	}
	w, err := c.Data()
	if err != nil {
		return relayError(op, err)
	}
	if _, err := w.Write(msg); err != nil {
		return relayError(op, err)
	}
	if err := w.Close(); err != nil { // the server's verdict on the message
		return recipientError(op, err)
	}
	c.Quit() // the message is accepted: how the session ends does not matter
	return nil
}

// open connects and says hello, over TLS as e.TLS asks. go-smtp upgrades a
// connection only as it opens it, so the opportunistic mode asks in the
// clear first and, when the server offers STARTTLS, connects again.
func (e *Email) open(ctx context.Context, host string) (*smtp.Client, error) {
	const op = "notify.Email.Send"
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.Addr)
	if err != nil {
		return nil, process.E(op, process.Unavailable, err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	fail := func(err error) (*smtp.Client, error) {
		stop()
		conn.Close()
		return nil, relayError(op, err)
	}
	hello := cmp.Or(e.Hello, "localhost")
	if e.TLS != StartTLSRequired {
		c := smtp.NewClient(conn)
		if err := c.Hello(hello); err != nil {
			return fail(err)
		}
		if offered, _ := c.Extension("STARTTLS"); e.TLS == StartTLSNone || !offered {
			return c, nil
		}
		c.Quit()
		stop()
		if conn, err = d.DialContext(ctx, "tcp", e.Addr); err != nil {
			return nil, process.E(op, process.Unavailable, err)
		}
		stop = context.AfterFunc(ctx, func() { conn.Close() })
	}
	cfg := &tls.Config{}
	if e.TLSConfig != nil {
		cfg = e.TLSConfig.Clone()
	}
	cfg.ServerName = cmp.Or(cfg.ServerName, host)
	c, err := smtp.NewClientStartTLS(conn, cfg)
	if err != nil {
		return fail(err)
	}
	if err := c.Hello(hello); err != nil { // the EHLO after the upgrade
		return fail(err)
	}
	return c, nil
}

// relayError is a failure of our mail server or of our configuration of
// it: retryable, and not the recipient's.
func relayError(op string, err error) error {
	if reply, ok := errors.AsType[*smtp.SMTPError](err); ok && reply.Code >= 500 {
		return process.E(op, process.Internal, err) // refused credentials, sender, TLS: ours to fix
	}
	return process.E(op, process.Unavailable, err)
}

// recipientError is the server's answer about the recipient or the
// message: a 5xx refuses them for good, anything else is passing.
func recipientError(op string, err error) error {
	reply, ok := errors.AsType[*smtp.SMTPError](err)
	if !ok || reply.Code < 500 {
		return process.E(op, process.Unavailable, err)
	}
	kind := process.Forbidden
	switch reply.Code {
	case 550, 551: // no such mailbox
		kind = process.NotFound
	case 552:
		kind = process.TooLarge
	case 553, 501: // a malformed address
		kind = process.Invalid
	}
	return &EndpointError{process.E(op, kind, err)}
}
