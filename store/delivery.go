package store

import "time"

// Statuses of a delivery attempt. Failed and rejected are the endpoint's
// own failures and count towards disabling it; an error is a fault on our
// side (the mail relay down, a bad configuration) and does not.
const (
	DeliverySent     = "sent"
	DeliveryFailed   = "failed"   // the endpoint failed for now: retried
	DeliveryRejected = "rejected" // the endpoint refused for good
	DeliveryError    = "error"    // our fault: retried, not held against the endpoint
	DeliverySkipped  = "skipped"  // not sent on purpose: no sender configured for the channel
)

// DeliveryAttempt is one try at sending a notification to its endpoint.
type DeliveryAttempt struct {
	Key       string    `json:"key"` // the notification's
	Channel   string    `json:"channel"`
	Recipient string    `json:"recipient"` // the endpoint: an email address or a URL
	At        time.Time `json:"at"`
	Status    string    `json:"status"`
	Error     string    `json:"error,omitempty"`
}

// Endpoint is where a channel delivers to one recipient: its settings and
// its health since its last successful delivery.
type Endpoint struct {
	Channel   string `json:"channel"`
	Recipient string `json:"recipient"`
	Language  string `json:"language,omitempty"` // ar, zh, en, fr, ru or es; others read English
	Secret    string `json:"-"`                  // a webhook's signing secret, whsec_…
	Owner     string `json:"owner,omitempty"`    // an email address told when the endpoint is disabled

	Failures       int       `json:"failures"`   // failed or rejected attempts since the last success
	Rejections     int       `json:"rejections"` // of which rejected
	FailingSince   time.Time `json:"failingSince,omitzero"`
	DisabledAt     time.Time `json:"disabledAt,omitzero"`
	DisabledReason string    `json:"disabledReason,omitempty"`
}
