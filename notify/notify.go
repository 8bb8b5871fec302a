// Package notify sends Compact's notifications on their channels: email
// over SMTP, in the recipient's UN language with a calendar invitation where
// the event moves a date, and webhooks signed per the Standard Webhooks
// specification. It knows nothing of the store: activities.Deliverer loads a
// notification, sends it here and records the outcome.
//
// A notification is sent at least once and recognisably the same every
// time: its key fixes the email's Message-ID and the webhook's webhook-id, so
// a resend (after a crash between sending and recording) is a duplicate the
// receiver drops.
package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/compact-un/compact/event"
)

// Channels a subscription can name.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
	ChannelOutbox  = "outbox" // kept in the outbox for the API's feeds; nothing to send
)

// Message is one notification to send to one recipient.
type Message struct {
	Key       string // the notification's key
	ProcessID string
	Process   string // the process's title, for people
	// TemplateID is the process's template: a built-in one's words (the
	// process's title, its stages') reach the recipient in their language.
	TemplateID string
	Event      string    // e.g. "window.opened"
	Recipient  string    // an email address or a webhook URL
	Language   string    // the recipient's: ar, zh, en, fr, ru or es; others read English
	Secret     string    // a webhook endpoint's signing secret, whsec_…
	Payload    []byte    // the event as JSON: {"processId", "stageId", "event", "data"}
	CreatedAt  time.Time // when the notification was queued: its date, so a resend is the same message
}

// Sender sends messages on one channel. Its errors are *process.Error:
// kinds that activities.Classify makes non-retryable are permanent failures;
// an *EndpointError is the endpoint's failure rather than ours.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Senders are the senders by channel.
type Senders map[string]Sender

// EndpointError is a failure of the endpoint itself: a webhook's server
// that failed or refused, a mail server that refused the mailbox. It counts
// towards disabling the endpoint; a fault on our side (the mail relay down,
// bad credentials) does not.
type EndpointError struct{ Err error }

func (e *EndpointError) Error() string { return e.Err.Error() }
func (e *EndpointError) Unwrap() error { return e.Err }

// id is the stable identity of a notification's message.
func id(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])[:32]
}

// MessageID is the Message-ID of the email for a notification key.
func MessageID(key string) string { return "<" + id(key) + "@compact>" }

// WebhookID is the webhook-id of the webhook for a notification key.
func WebhookID(key string) string { return "msg_" + id(key) }

// notice is a notification's payload, as activities.Notify writes it.
type notice struct {
	ProcessID string          `json:"processId"`
	StageID   string          `json:"stageId"`
	Event     event.Name      `json:"event"`
	Data      json.RawMessage `json:"data"` // of the event's type in the catalogue
	// fields are Data by JSON key, which the messages' templates read.
	fields map[string]any
}

func decodeNotice(payload []byte) (notice, error) {
	var n notice
	if len(payload) == 0 {
		return n, nil
	}
	if err := json.Unmarshal(payload, &n); err != nil || len(n.Data) == 0 {
		return n, err
	}
	d := json.NewDecoder(bytes.NewReader(n.Data))
	d.UseNumber() // numbers print as sent: 3, not 3.0e+00
	return n, d.Decode(&n.fields)
}
