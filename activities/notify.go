package activities

import (
	"context"
	"encoding/json"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// NotifyInput is a recorded event to fan out to its subscribers.
type NotifyInput struct {
	ProcessID string          `json:"processId"`
	Key       string          `json:"key"` // the event's record key
	StageID   string          `json:"stageId"`
	Event     event.Name      `json:"event"`
	Data      json.RawMessage `json:"data,omitempty"` // as recorded
}

// Notify queues one notification per subscriber of the event in the outbox.
// Each notification's key is the event key, the recipient and the channel,
// so a retry queues nothing twice. It returns how many are to be sent now,
// by a Delivery workflow for the event; the rest wait for digests.
func (a *Activities) Notify(ctx context.Context, in NotifyInput) (int, error) {
	subs, err := a.Store.Subscribers(ctx, in.ProcessID, string(in.Event))
	if err != nil || len(subs) == 0 {
		return 0, Classify(err)
	}
	// The outbox's payload holds the data as the record does.
	var data map[string]any
	if len(in.Data) > 0 {
		if err := json.Unmarshal(in.Data, &data); err != nil {
			return 0, Classify(process.E("activities.Notify", process.Invalid, err))
		}
	}
	ev := store.Event{ProcessID: in.ProcessID, Key: in.Key, StageID: in.StageID, Name: string(in.Event), Data: data}
	ns, now, err := store.Fanout(subs, ev, a.Now())
	if err != nil {
		return 0, Classify(err)
	}
	return now, Classify(a.Store.Enqueue(ctx, ns))
}
