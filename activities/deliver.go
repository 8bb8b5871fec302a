package activities

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// An endpoint is disabled after DefaultMaxRejections permanent failures
// since its last success, or when it has failed for DefaultMaxFailingFor.
const (
	DefaultMaxRejections = 3
	DefaultMaxFailingFor = 5 * 24 * time.Hour
)

// Deliverer sends the outbox's notifications on their channels. It is an
// activity struct of its own, registered on the worker beside Activities:
// it holds the senders, which the other activities do not need.
//
// Delivery is at least once, and a duplicate is recognisable: the outbox
// state makes a retry after a recorded success a no-op, and the
// notification key fixes the email's Message-ID and the webhook's
// webhook-id. What remains is a crash (or a failed write) between sending
// and marking sent: the retry sends again, with the same Message-ID or
// webhook-id, which the receiver drops. Two deliveries of one key at once
// could also both send: one Delivery workflow per event, whose ID the
// event's key fixes, is the only caller of DeliverEvent for its event.
type Deliverer struct {
	Store   store.Store
	Senders notify.Senders
	// StartDelivery starts the Delivery workflow of an event's
	// notifications unless it is running; the worker wires it. The sweep
	// and the endpoint owners' notices need it; nil leaves them to a sweep.
	StartDelivery func(ctx context.Context, eventKey string) error
	// Now is the wall clock; nil is time.Now.
	Now func() time.Time
	// MaxRejections and MaxFailingFor, when set, replace the defaults.
	MaxRejections int
	MaxFailingFor time.Duration
}

// DeliverInput names the notification to deliver.
type DeliverInput struct {
	Key string `json:"key"`
}

// Deliver sends a notification once: a sent one is a no-op, an "outbox"
// one is only marked sent. Each attempt is logged with its endpoint's
// health. A retryable failure returns a retryable error for Temporal's
// retry policy to back off and try again; a permanent one (or one that
// disables the endpoint) marks the notification failed and returns a
// non-retryable error. A channel this worker does not send on (notify.Skip)
// marks it skipped. An unknown channel leaves the notification pending for
// a worker that has its sender.
func (d *Deliverer) Deliver(ctx context.Context, in DeliverInput) error {
	_, err := d.deliver(ctx, in.Key)
	return err
}

// deliver is Deliver, saying what became of the notification: sent,
// skipped, or its state when it was not pending.
func (d *Deliverer) deliver(ctx context.Context, key string) (string, error) {
	const op = "activities.Deliver"
	n, err := d.Store.GetNotification(ctx, key)
	if err != nil {
		return "", Classify(err)
	}
	switch n.State {
	case store.NotificationSent:
		return n.State, nil
	case store.NotificationPending:
	default:
		return n.State, Classify(process.Errorf(op, process.Conflict, "notification %q is %s", n.Key, n.State))
	}
	if n.Channel == notify.ChannelOutbox {
		return store.NotificationSent, Classify(d.Store.MarkSent(ctx, n.Key))
	}
	sender := d.Senders[n.Channel]
	if sender == nil {
		return n.State, Classify(process.Errorf(op, process.Invalid, "no sender for channel %q", n.Channel))
	}
	ep, err := d.Store.GetEndpoint(ctx, n.Channel, n.Recipient)
	if err != nil && process.KindOf(err) != process.NotFound { // an unknown endpoint has the defaults
		return n.State, Classify(err)
	}
	if !ep.DisabledAt.IsZero() {
		return store.NotificationFailed, d.giveUp(ctx, n, ep, disabled(op, ep))
	}
	proc, err := d.process(ctx, n.ProcessID)
	if err != nil {
		return n.State, Classify(err)
	}

	sendErr := sender.Send(ctx, notify.Message{
		Key: n.Key, ProcessID: n.ProcessID, Process: proc.Title, TemplateID: proc.TemplateID, Event: n.Event, Recipient: n.Recipient,
		Language: cmp.Or(n.Language, ep.Language), Secret: ep.Secret, Payload: []byte(n.Payload), CreatedAt: n.CreatedAt,
	})
	now := d.now()
	_, endpointFault := errors.AsType[*notify.EndpointError](sendErr)
	skip, skipped := errors.AsType[*notify.SkipError](sendErr)
	permanent := nonRetryable(Classify(sendErr))
	attempt := store.DeliveryAttempt{Key: n.Key, Channel: n.Channel, Recipient: n.Recipient, At: now, Status: store.DeliverySent}
	switch {
	case sendErr == nil:
	case skipped:
		attempt.Status = store.DeliverySkipped
	case endpointFault && permanent:
		attempt.Status = store.DeliveryRejected
	case endpointFault:
		attempt.Status = store.DeliveryFailed
	default:
		attempt.Status = store.DeliveryError
	}
	if sendErr != nil {
		attempt.Error = process.Message(sendErr)
	}
	if ep, err = d.Store.LogDelivery(ctx, attempt); err != nil {
		return n.State, Classify(err) // if it was sent, the retry resends it under the same ID
	}
	switch {
	case sendErr == nil:
		return store.NotificationSent, Classify(d.Store.MarkSent(ctx, n.Key))
	case skipped:
		return store.NotificationSkipped, Classify(d.Store.MarkSkipped(ctx, n.Key, skip.Reason))
	}
	if endpointFault {
		if reason := d.disableReason(ep, now, attempt.Error); reason != "" {
			if ep, err = d.Store.DisableEndpoint(ctx, n.Channel, n.Recipient, reason, now); err != nil {
				return n.State, Classify(err)
			}
			if !permanent { // give up on this one too
				sendErr = disabled(op, ep)
			}
			return store.NotificationFailed, d.giveUp(ctx, n, ep, sendErr)
		}
	}
	if permanent {
		return store.NotificationFailed, d.giveUp(ctx, n, ep, sendErr)
	}
	return n.State, Classify(sendErr)
}

// giveUp marks a notification failed for a non-retryable err and, when its
// endpoint is disabled, makes sure the endpoint's owner is told. Every step
// can be repeated, so a retry after a crash half-way finishes the job.
func (d *Deliverer) giveUp(ctx context.Context, n store.Notification, ep store.Endpoint, err error) error {
	if !ep.DisabledAt.IsZero() {
		if err := d.tellOwner(ctx, n, ep); err != nil {
			return Classify(err)
		}
	}
	if err := d.Store.MarkFailed(ctx, n.Key, process.Message(err)); err != nil {
		return Classify(err)
	}
	return Classify(err)
}

// tellOwner queues the notice that ep is disabled for its owner, by email,
// under a key of the endpoint and the time it was disabled: queueing it
// again is a no-op.
func (d *Deliverer) tellOwner(ctx context.Context, n store.Notification, ep store.Endpoint) error {
	if ep.Owner == "" || (ep.Channel == notify.ChannelEmail && ep.Owner == ep.Recipient) {
		return nil
	}
	payload, err := json.Marshal(map[string]any{"processId": n.ProcessID, "event": event.EndpointDisabled, "data": event.EndpointDisabledData{
		Channel: ep.Channel, Endpoint: ep.Recipient, Reason: ep.DisabledReason, DisabledAt: ep.DisabledAt,
	}})
	if err != nil {
		return process.E("activities.Deliver", process.Internal, err)
	}
	key := fmt.Sprintf("endpoint/%s/%s/disabled/%d", ep.Channel, ep.Recipient, ep.DisabledAt.UnixNano())
	if err := d.Store.Enqueue(ctx, []store.Notification{{
		Key: key + "|" + ep.Owner + "|" + notify.ChannelEmail, EventKey: key, ProcessID: n.ProcessID, Event: string(event.EndpointDisabled),
		Recipient: ep.Owner, Channel: notify.ChannelEmail, Language: ep.Language, Payload: string(payload), CreatedAt: ep.DisabledAt,
	}}); err != nil {
		return err
	}
	d.start(ctx, key)
	return nil
}

// start starts the Delivery workflow of an event's notifications. Failing
// to is no loss: they stay pending, and the sweep starts it later.
func (d *Deliverer) start(ctx context.Context, eventKey string) {
	if d.StartDelivery == nil || !activity.IsActivity(ctx) {
		return
	}
	if err := d.StartDelivery(ctx, eventKey); err != nil {
		activity.GetLogger(ctx).Warn("starting a delivery failed; the sweep will", "event", eventKey, "error", err)
	}
}

// disableReason says why ep should be disabled after a failure at now, or
// is "" while it may go on.
func (d *Deliverer) disableReason(ep store.Endpoint, now time.Time, last string) string {
	if n := cmp.Or(d.MaxRejections, DefaultMaxRejections); ep.Rejections >= n {
		return fmt.Sprintf("%d deliveries refused since the last success; the last: %s", ep.Rejections, last)
	}
	if ep.Failures > 0 && now.Sub(ep.FailingSince) >= cmp.Or(d.MaxFailingFor, DefaultMaxFailingFor) {
		return fmt.Sprintf("failing since %s; the last failure: %s", ep.FailingSince.Format(time.RFC3339), last)
	}
	return ""
}

func disabled(op string, ep store.Endpoint) error {
	return process.Errorf(op, process.Forbidden, "the endpoint is disabled: %s", ep.DisabledReason)
}

// process is the notification's process, for its title and template; one
// the read model does not know is named by its ID.
func (d *Deliverer) process(ctx context.Context, id string) (process.Process, error) {
	p, err := d.Store.GetProcess(ctx, id)
	if process.KindOf(err) == process.NotFound {
		return process.Process{ID: id, Title: id}, nil
	}
	return p, err
}

func (d *Deliverer) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// nonRetryable reports whether a classified error stops Temporal's retries.
func nonRetryable(err error) bool {
	appErr, ok := errors.AsType[*temporal.ApplicationError](err)
	return ok && appErr.NonRetryable()
}
