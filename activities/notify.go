package activities

import (
	"context"

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
	ev := store.Event{ProcessID: in.ProcessID, Key: in.Key, StageID: in.StageID, Name: in.Event, Data: in.Data}
	ns, now, err := store.Fanout(subs, ev, a.Now())
	if err != nil {
		return 0, Classify(err)
	}
	return now, Classify(a.Store.Enqueue(ctx, ns))
}
