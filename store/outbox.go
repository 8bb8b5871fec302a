package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/compact-un/compact/process"
)

// States of a notification in the outbox.
const (
	NotificationPending  = "pending"  // to send now; a Delivery workflow sends it
	NotificationHeld     = "held"     // waits for its subscriber's digest
	NotificationDigested = "digested" // went out in the digest DigestKey names
	NotificationSent     = "sent"
	NotificationFailed   = "failed"  // given up, Failure says why
	NotificationSkipped  = "skipped" // not sent on purpose (no mail server, unsubscribed), Failure says why
)

// Subscription modes: every event at once, or a digest a day or a week.
const (
	ModeImmediate = "immediate"
	ModeDaily     = "daily"
	ModeWeekly    = "weekly"
)

// Notification is one message to one recipient on one channel.
type Notification struct {
	Key string `json:"key"` // event key | recipient | channel: sent once
	// EventKey is what the notification belongs to (a stage event, a
	// receipt, a digest): one Delivery workflow sends an event's
	// notifications. Empty when enqueued: the key up to its first "|".
	EventKey  string    `json:"eventKey"`
	ProcessID string    `json:"processId"`
	Event     string    `json:"event"`
	Recipient string    `json:"recipient"`
	Channel   string    `json:"channel"` // email, webhook, outbox
	Language  string    `json:"language,omitempty"`
	Payload   string    `json:"payload"` // JSON
	State     string    `json:"state"`   // one of the Notification* states; empty when enqueued is pending
	Mode      string    `json:"mode,omitempty"`
	DigestKey string    `json:"digestKey,omitempty"` // the digest that carried a digested one
	Failure   string    `json:"failure,omitempty"`   // why it failed or was skipped
	CreatedAt time.Time `json:"createdAt"`
}

// Subscription says that a recipient wants a process's events of some
// topics, on a channel, in a language, at once or in digests.
type Subscription struct {
	ID        string   `json:"id"` // set by Subscribe
	ProcessID string   `json:"processId"`
	Recipient string   `json:"recipient"` // an email address or a webhook URL
	Channel   string   `json:"channel"`
	Topics    []string `json:"topics"` // process.Topics names or event prefixes; empty means all
	Language  string   `json:"language,omitempty"`
	Mode      string   `json:"mode"` // immediate (the default), daily or weekly
	// Owner is the party that may list and delete it, "role:party"; empty
	// for an observer's, which only its unsubscribe link removes.
	Owner     string    `json:"owner,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// DigestGroup is one subscriber's notifications held for a digest.
type DigestGroup struct {
	ProcessID string `json:"processId"`
	Recipient string `json:"recipient"`
	Channel   string `json:"channel"`
	Mode      string `json:"mode"`
}

// PendingFilter selects the events that have pending notifications.
type PendingFilter struct {
	Channels []string  // only notifications on these channels
	Before   time.Time // created before
	After    string    // event key to page after
	Limit    int       // 0 means 100
}

// NotificationFilter selects a process's notifications for the delivery
// report.
type NotificationFilter struct {
	ProcessID string
	State     string // "" matches all
	After     string // notification key to page after
	Limit     int    // 0 means 100
}

// NotificationStatus is a notification with what its delivery attempts
// came to.
type NotificationStatus struct {
	Notification
	Attempts      int       `json:"attempts"`
	LastAttemptAt time.Time `json:"lastAttemptAt,omitzero"`
	LastError     string    `json:"lastError,omitempty"` // of the last attempt that failed
}

// Outbox holds subscriptions, the notifications due to subscribers and
// their delivery.
type Outbox interface {
	// Subscribe creates or updates a recipient's subscription to a process
	// on a channel and returns it as stored. A subscription owned by another
	// party is Conflict; an observer's (no owner) updates the settings of an
	// owned one and leaves its owner.
	Subscribe(ctx context.Context, s Subscription) (Subscription, error)
	// Subscribers returns the subscriptions to a process that take event:
	// those with no topics, with the event's topic, or with a topic that
	// prefixes it. (A receipt goes to its submitter's own: Submit.)
	Subscribers(ctx context.Context, processID, event string) ([]Subscription, error)
	GetSubscription(ctx context.Context, processID, recipient, channel string) (Subscription, error)
	// EndpointOwners lists the owners of the subscriptions on an endpoint,
	// to every process: who may change its settings.
	EndpointOwners(ctx context.Context, channel, recipient string) ([]string, error)
	// ListSubscriptions lists an owner's subscriptions to every process.
	ListSubscriptions(ctx context.Context, owner string) ([]Subscription, error)
	// DeleteSubscription deletes an owner's subscription by ID (NotFound for
	// another's) as Unsubscribe does.
	DeleteSubscription(ctx context.Context, id, owner string) error
	// Unsubscribe removes a recipient's subscription to a process on a
	// channel and skips what is still pending or held for it; removing one
	// that is not there is a no-op.
	Unsubscribe(ctx context.Context, processID, recipient, channel string) error

	// Enqueue adds notifications; a key already present is skipped.
	Enqueue(ctx context.Context, ns []Notification) error
	ListOutbox(ctx context.Context, processID string, state string) ([]Notification, error)
	GetNotification(ctx context.Context, key string) (Notification, error)
	// PendingOf lists an event's pending notifications by key, after a key.
	PendingOf(ctx context.Context, eventKey, after string, limit int) ([]Notification, error)
	// HasPending reports whether an event has pending notifications.
	HasPending(ctx context.Context, eventKey string) (bool, error)
	// PendingEvents lists, by key, the events with pending notifications.
	PendingEvents(ctx context.Context, f PendingFilter) ([]string, error)
	MarkSent(ctx context.Context, key string) error
	// MarkFailed gives up on a notification, saying why; a sent one is
	// Conflict.
	MarkFailed(ctx context.Context, key, reason string) error
	// MarkSkipped records that a pending or held notification is not sent,
	// and why; a sent or failed one is Conflict.
	MarkSkipped(ctx context.Context, key, reason string) error

	// HeldGroups lists the subscribers with notifications held for a digest
	// of one of modes, created before a time.
	HeldGroups(ctx context.Context, modes []string, before time.Time) ([]DigestGroup, error)
	// Held lists a group's held notifications created before a time, oldest
	// first.
	Held(ctx context.Context, g DigestGroup, before time.Time) ([]Notification, error)
	// PutDigest queues a digest (pending) and marks the held items it
	// carries digested, in one transaction. A digest already queued under
	// its key changes nothing and reports false.
	PutDigest(ctx context.Context, digest Notification, items []string) (bool, error)

	// NotificationStatuses lists a process's notifications by key with
	// their attempts, for the delivery report.
	NotificationStatuses(ctx context.Context, f NotificationFilter) ([]NotificationStatus, error)
	// CountNotifications counts a process's notifications by state.
	CountNotifications(ctx context.Context, processID string) (map[string]int, error)
	// ProcessEndpoints lists the endpoints a process's notifications went
	// or go to, with their health.
	ProcessEndpoints(ctx context.Context, processID string) ([]Endpoint, error)

	// LogDelivery records an attempt and, in the same transaction, its
	// endpoint's health: a success clears it, a failure or rejection counts.
	// It returns the endpoint as updated, creating it on a first attempt.
	LogDelivery(ctx context.Context, d DeliveryAttempt) (Endpoint, error)
	// Deliveries lists a notification's attempts in order.
	Deliveries(ctx context.Context, key string) ([]DeliveryAttempt, error)
	// PutEndpoint creates or replaces an endpoint's settings; it enables the
	// endpoint again and clears its health.
	PutEndpoint(ctx context.Context, e Endpoint) error
	GetEndpoint(ctx context.Context, channel, recipient string) (Endpoint, error)
	// DisableEndpoint disables an endpoint at the given time, for a reason;
	// disabling it again keeps the first time and reason. It returns the
	// endpoint as disabled.
	DisableEndpoint(ctx context.Context, channel, recipient, reason string, at time.Time) (Endpoint, error)
}

// Event is something that happened to a process (a stage event, a
// contribution's receipt) for Fanout to tell its subscribers.
type Event struct {
	ProcessID string
	Key       string // the event key: its notifications' keys start with it
	StageID   string
	Name      string // e.g. "window.opened"
	Data      map[string]any
}

// channelEmail is notify.ChannelEmail: only email has digests.
const channelEmail = "email"

// Fanout makes an event's notifications to subs, created at now: pending
// for those who take events as they come, held for the email subscribers
// who read digests. It also returns how many are pending.
func Fanout(subs []Subscription, ev Event, now time.Time) ([]Notification, int, error) {
	payload, err := json.Marshal(map[string]any{
		"processId": ev.ProcessID, "stageId": ev.StageID, "event": ev.Name, "data": ev.Data,
	})
	if err != nil {
		return nil, 0, process.E("store.Fanout", process.Invalid, err)
	}
	ns := make([]Notification, len(subs))
	pending := 0
	for i, s := range subs {
		n := Notification{
			Key: ev.Key + "|" + s.Recipient + "|" + s.Channel, EventKey: ev.Key,
			ProcessID: ev.ProcessID, Event: ev.Name, Recipient: s.Recipient, Channel: s.Channel, Language: s.Language,
			Payload: string(payload), State: NotificationPending, CreatedAt: now.UTC(),
		}
		if s.Channel == channelEmail && (s.Mode == ModeDaily || s.Mode == ModeWeekly) {
			n.State, n.Mode = NotificationHeld, s.Mode
		} else {
			pending++
		}
		ns[i] = n
	}
	return ns, pending, nil
}

// ReceiptEvent is the event of a new contribution, which only its
// submitter's own subscriptions hear of.
const ReceiptEvent = "contribution.received"

// ReceiptKey is the event key of a contribution's receipt.
func ReceiptKey(tracking string) string { return "receipt/" + tracking }

// ReceiptNotice is the event that tells a submitter its contribution is
// stored.
func ReceiptNotice(s process.Submission, r process.Receipt) Event {
	return Event{ProcessID: s.ProcessID, Key: ReceiptKey(r.Tracking), StageID: s.StageID, Name: ReceiptEvent,
		Data: map[string]any{"tracking": r.Tracking, "title": s.Title, "submittedAt": r.SubmittedAt, "sha256": r.SHA256}}
}
