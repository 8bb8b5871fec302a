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
// webhook-id, which the receiver drops. Two Deliver calls for one key at
// once could also both send; start one per key.
type Deliverer struct {
	Store   store.Store
	Senders notify.Senders
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
// non-retryable error. An unknown channel leaves the notification pending
// for a worker that has its sender.
func (d *Deliverer) Deliver(ctx context.Context, in DeliverInput) error {
	const op = "activities.Deliver"
	n, err := d.Store.GetNotification(ctx, in.Key)
	if err != nil {
		return Classify(err)
	}
	switch n.State {
	case "sent":
		return nil
	case "failed":
		return Classify(process.Errorf(op, process.Conflict, "notification %q has failed for good", n.Key))
	}
	if n.Channel == notify.ChannelOutbox {
		return Classify(d.Store.MarkSent(ctx, n.Key))
	}
	sender := d.Senders[n.Channel]
	if sender == nil {
		return Classify(process.Errorf(op, process.Invalid, "no sender for channel %q", n.Channel))
	}
	ep, err := d.Store.GetEndpoint(ctx, n.Channel, n.Recipient)
	if err != nil && process.KindOf(err) != process.NotFound { // an unknown endpoint has the defaults
		return Classify(err)
	}
	if !ep.DisabledAt.IsZero() {
		return d.giveUp(ctx, n, ep, disabled(op, ep))
	}
	title, err := d.processTitle(ctx, n.ProcessID)
	if err != nil {
		return Classify(err)
	}

	sendErr := sender.Send(ctx, notify.Message{
		Key: n.Key, ProcessID: n.ProcessID, Process: title, Event: n.Event, Recipient: n.Recipient,
		Language: ep.Language, Secret: ep.Secret, Payload: []byte(n.Payload), CreatedAt: n.CreatedAt,
	})
	now := d.now()
	_, endpointFault := errors.AsType[*notify.EndpointError](sendErr)
	permanent := nonRetryable(Classify(sendErr))
	attempt := store.DeliveryAttempt{Key: n.Key, Channel: n.Channel, Recipient: n.Recipient, At: now, Status: store.DeliverySent}
	switch {
	case sendErr == nil:
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
		return Classify(err) // if it was sent, the retry resends it under the same ID
	}
	if sendErr == nil {
		return Classify(d.Store.MarkSent(ctx, n.Key))
	}
	if endpointFault {
		if reason := d.disableReason(ep, now, attempt.Error); reason != "" {
			if ep, err = d.Store.DisableEndpoint(ctx, n.Channel, n.Recipient, reason, now); err != nil {
				return Classify(err)
			}
			if !permanent { // give up on this one too
				sendErr = disabled(op, ep)
			}
			return d.giveUp(ctx, n, ep, sendErr)
		}
	}
	if permanent {
		return d.giveUp(ctx, n, ep, sendErr)
	}
	return Classify(sendErr)
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
	const event = "endpoint.disabled"
	payload, err := json.Marshal(map[string]any{"processId": n.ProcessID, "event": event, "data": map[string]any{
		"channel": ep.Channel, "endpoint": ep.Recipient, "reason": ep.DisabledReason, "disabledAt": ep.DisabledAt,
	}})
	if err != nil {
		return process.E("activities.Deliver", process.Internal, err)
	}
	key := fmt.Sprintf("endpoint/%s/%s/disabled/%d", ep.Channel, ep.Recipient, ep.DisabledAt.UnixNano())
	return d.Store.Enqueue(ctx, []store.Notification{{
		Key: key + "|" + ep.Owner + "|" + notify.ChannelEmail, ProcessID: n.ProcessID, Event: event,
		Recipient: ep.Owner, Channel: notify.ChannelEmail, Payload: string(payload), State: "pending", CreatedAt: ep.DisabledAt,
	}})
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

// processTitle is the process's title for people, or its ID when the read
// model has no such process.
func (d *Deliverer) processTitle(ctx context.Context, id string) (string, error) {
	p, err := d.Store.GetProcess(ctx, id)
	if process.KindOf(err) == process.NotFound {
		return id, nil
	}
	return p.Title, err
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

// DeliverPendingInput is where a sweep of the outbox starts and how much
// it takes on.
type DeliverPendingInput struct {
	After store.OutboxCursor `json:"after,omitzero"`
	Limit int                `json:"limit"` // 0 means 100
}

// DeliverPendingResult counts what a sweep did with each notification.
type DeliverPendingResult struct {
	Delivered int `json:"delivered"`
	Refused   int `json:"refused"`  // failed for good, or with no sender here
	Deferred  int `json:"deferred"` // still pending: a later sweep retries
	// Next is where the next sweep starts; zero when this one reached the
	// end, so that notifications that keep failing do not hold up the
	// rest.
	Next store.OutboxCursor `json:"next,omitzero"`
}

// DeliverPending delivers up to a limit of pending notifications after a
// cursor, oldest first, for a periodic sweep: it retries what
// per-notification Deliver activities gave up retrying, and delivers what
// nothing started (the notices to endpoints' owners). A notification's
// failure is counted, not returned.
func (d *Deliverer) DeliverPending(ctx context.Context, in DeliverPendingInput) (DeliverPendingResult, error) {
	var res DeliverPendingResult
	limit := cmp.Or(in.Limit, 100)
	ns, err := d.Store.Pending(ctx, in.After, limit)
	if err != nil {
		return res, Classify(err)
	}
	for _, n := range ns {
		if err := ctx.Err(); err != nil {
			return res, Classify(process.E("activities.DeliverPending", process.Unavailable, err))
		}
		activity.RecordHeartbeat(ctx, n.Key)
		switch err := d.Deliver(ctx, DeliverInput{Key: n.Key}); {
		case err == nil:
			res.Delivered++
		case nonRetryable(err):
			res.Refused++
		default:
			res.Deferred++
		}
	}
	if len(ns) == limit {
		last := ns[len(ns)-1]
		res.Next = store.OutboxCursor{CreatedAt: last.CreatedAt, Key: last.Key}
	}
	return res, nil
}
