package activities

import (
	"context"
	"encoding/json"
	"time"

	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// NotifyInput is a recorded event to fan out to its subscribers.
type NotifyInput struct {
	ProcessID string         `json:"processId"`
	Key       string         `json:"key"` // the event's record key
	StageID   string         `json:"stageId"`
	Event     string         `json:"event"`
	Data      map[string]any `json:"data,omitempty"`
}

// Notify queues one notification per subscriber of the event in the outbox.
// Each notification's key is the event key, the recipient and the channel,
// so a retry queues nothing twice. It returns how many are to be sent now,
// by a Delivery workflow for the event; the rest wait for digests.
func (a *Activities) Notify(ctx context.Context, in NotifyInput) (int, error) {
	subs, err := a.Store.Subscribers(ctx, in.ProcessID, in.Event)
	if err != nil || len(subs) == 0 {
		return 0, Classify(err)
	}
	ns, now, err := Fanout(subs, in, a.Now())
	if err != nil {
		return 0, Classify(err)
	}
	return now, Classify(a.Store.Enqueue(ctx, ns))
}

// Fanout makes an event's notifications to subscribers, created at now:
// pending for those who take events as they come, held for the email
// subscribers who read digests. It also returns how many are pending.
func Fanout(subs []store.Subscription, in NotifyInput, now time.Time) ([]store.Notification, int, error) {
	payload, err := json.Marshal(map[string]any{
		"processId": in.ProcessID, "stageId": in.StageID, "event": in.Event, "data": in.Data,
	})
	if err != nil {
		return nil, 0, process.E("activities.Notify", process.Invalid, err)
	}
	ns := make([]store.Notification, len(subs))
	pending := 0
	for i, s := range subs {
		n := store.Notification{
			Key: in.Key + "|" + s.Recipient + "|" + s.Channel, EventKey: in.Key,
			ProcessID: in.ProcessID, Event: in.Event, Recipient: s.Recipient, Channel: s.Channel, Language: s.Language,
			Payload: string(payload), State: store.NotificationPending, CreatedAt: now.UTC(),
		}
		if s.Channel == notify.ChannelEmail && (s.Mode == store.ModeDaily || s.Mode == store.ModeWeekly) {
			n.State, n.Mode = store.NotificationHeld, s.Mode
		} else {
			pending++
		}
		ns[i] = n
	}
	return ns, pending, nil
}
