package activities

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// The outbox's activities for the Delivery and Notifications workflows:
// an event's deliveries, the digests, and the sweep for what nothing is
// delivering.

// HeartbeatEvery is how often the long activities heartbeat, whatever they
// are waiting for; a third of their workflows' heartbeat timeout.
const HeartbeatEvery = 3 * time.Second

// DeliverEventInput names the event whose notifications to deliver.
type DeliverEventInput struct {
	EventKey string `json:"eventKey"`
}

// DeliverEventResult counts what became of an event's pending
// notifications.
type DeliverEventResult struct {
	Sent    int `json:"sent"`
	Skipped int `json:"skipped,omitempty"`
	Failed  int `json:"failed,omitempty"`
	Waiting int `json:"waiting,omitempty"` // on a channel this worker has no sender for
}

// DeliverEvent delivers an event's pending notifications, heartbeating. It
// fails, retryably, while some of them failed in a way worth retrying, so
// that Temporal's retry policy backs off and calls it again; a retry finds
// only those still pending.
func (d *Deliverer) DeliverEvent(ctx context.Context, in DeliverEventInput) (DeliverEventResult, error) {
	const op = "activities.DeliverEvent"
	var res DeliverEventResult
	defer heartbeat(ctx)()
	retry, last := 0, error(nil)
	for after := ""; ; {
		ns, err := d.Store.PendingOf(ctx, in.EventKey, after, 100)
		if err != nil {
			return res, Classify(err)
		}
		for _, n := range ns {
			if err := ctx.Err(); err != nil {
				return res, Classify(process.E(op, process.Unavailable, err))
			}
			state, err := d.deliver(ctx, n.Key)
			switch {
			case err == nil && state == store.NotificationSkipped:
				res.Skipped++
			case err == nil:
				res.Sent++
			case state == store.NotificationPending && nonRetryable(err):
				res.Waiting++
			case nonRetryable(err):
				res.Failed++
			default:
				retry, last = retry+1, err
			}
		}
		if len(ns) < 100 {
			break
		}
		after = ns[len(ns)-1].Key
	}
	if retry > 0 {
		return res, process.Errorf(op, process.Unavailable, "%d notifications of %s wait for a retry; the last failure: %s",
			retry, in.EventKey, process.Message(last))
	}
	return res, nil
}

// heartbeat heartbeats every HeartbeatEvery until the returned stop is
// called: a send may take a minute, yet a worker that died must be noticed
// within the heartbeat timeout.
func heartbeat(ctx context.Context) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(HeartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() { close(done) }
}

// SendDigestsInput is a digest boundary: the end of the periods whose
// digests are due.
type SendDigestsInput struct {
	At     time.Time     `json:"at"`
	Weekly bool          `json:"weekly,omitempty"` // a week's end: the weekly digests too
	Day    time.Duration `json:"day"`              // a digest day's length: 24 hours but in tests
}

// SendDigestsResult counts the digests queued and those sent at once.
type SendDigestsResult struct {
	Queued int `json:"queued"`
	Sent   int `json:"sent"`
}

// SendDigests gathers each subscriber's notifications held before the
// boundary into one digest, keyed by the subscriber, the mode and the
// boundary so that a retry queues none twice, and delivers it. A digest
// that fails to go out stays pending for the sweep.
func (d *Deliverer) SendDigests(ctx context.Context, in SendDigestsInput) (SendDigestsResult, error) {
	var res SendDigestsResult
	defer heartbeat(ctx)()
	modes := []string{store.ModeDaily}
	if in.Weekly {
		modes = append(modes, store.ModeWeekly)
	}
	groups, err := d.Store.HeldGroups(ctx, modes, in.At)
	if err != nil {
		return res, Classify(err)
	}
	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			return res, Classify(process.E("activities.SendDigests", process.Unavailable, err))
		}
		digest, queued, err := d.queueDigest(ctx, g, in)
		if err != nil {
			return res, Classify(err)
		}
		if !queued {
			continue
		}
		res.Queued++
		if _, err := d.deliver(ctx, digest); err == nil {
			res.Sent++
		}
	}
	return res, nil
}

// queueDigest queues a group's digest for the boundary and returns its key.
func (d *Deliverer) queueDigest(ctx context.Context, g store.DigestGroup, in SendDigestsInput) (string, bool, error) {
	items, err := d.Store.Held(ctx, g, in.At)
	if err != nil || len(items) == 0 {
		return "", false, err
	}
	period := cmp.Or(in.Day, 24*time.Hour)
	if g.Mode == store.ModeWeekly {
		period *= 7
	}
	since := in.At.Add(-period)
	events := make([]map[string]any, len(items))
	keys := make([]string, len(items))
	for i, n := range items {
		var item map[string]any
		if err := json.Unmarshal([]byte(n.Payload), &item); err != nil {
			return "", false, process.E("activities.SendDigests", process.Internal, err)
		}
		item["at"] = n.CreatedAt
		events[i], keys[i] = item, n.Key
		if n.CreatedAt.Before(since) { // held over from an earlier period
			since = n.CreatedAt
		}
	}
	payload, err := json.Marshal(map[string]any{"processId": g.ProcessID, "event": "digest",
		"data": map[string]any{"since": since, "mode": g.Mode, "events": events}})
	if err != nil {
		return "", false, process.E("activities.SendDigests", process.Internal, err)
	}
	eventKey := fmt.Sprintf("digest/%s/%s/%s/%s", g.ProcessID, g.Recipient, g.Mode, in.At.UTC().Format(time.RFC3339))
	digest := store.Notification{
		Key: eventKey + "|" + g.Recipient + "|" + g.Channel, EventKey: eventKey, ProcessID: g.ProcessID, Event: "digest",
		Recipient: g.Recipient, Channel: g.Channel, Language: items[len(items)-1].Language, Payload: string(payload),
		CreatedAt: in.At,
	}
	queued, err := d.Store.PutDigest(ctx, digest, keys)
	return digest.Key, queued, err
}

// SweepInput says how old a pending notification must be for the sweep to
// take it as forgotten.
type SweepInput struct {
	OlderThan time.Duration `json:"olderThan"` // 0 is 5 minutes
}

// SweepResult counts the events the sweep made sure are being delivered.
type SweepResult struct {
	Events int `json:"events"`
}

// SweepOutbox makes sure that every event with notifications pending for a
// while, on a channel this worker sends on, has its Delivery workflow: the
// notices to endpoints' owners, receipts whose start failed, digests that
// failed to go out. A running one is left alone.
func (d *Deliverer) SweepOutbox(ctx context.Context, in SweepInput) (SweepResult, error) {
	var res SweepResult
	if d.StartDelivery == nil {
		return res, nil
	}
	defer heartbeat(ctx)()
	f := store.PendingFilter{
		Channels: append(slices.Sorted(maps.Keys(d.Senders)), notify.ChannelOutbox),
		Before:   d.now().Add(-cmp.Or(in.OlderThan, 5*time.Minute)),
		Limit:    500,
	}
	for {
		keys, err := d.Store.PendingEvents(ctx, f)
		if err != nil {
			return res, Classify(err)
		}
		for _, key := range keys {
			if err := d.StartDelivery(ctx, key); err != nil {
				return res, Classify(process.E("activities.SweepOutbox", process.Unavailable, err))
			}
			res.Events++
		}
		if len(keys) < f.Limit {
			return res, nil
		}
		f.After = keys[len(keys)-1]
	}
}
