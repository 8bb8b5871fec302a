package activities

import (
	"context"
	"encoding/json"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// StageEvent is a stage event to record, with the read-model rows it
// changes.
type StageEvent struct {
	ProcessID string     `json:"processId"`
	StageID   string     `json:"stageId"`
	Event     event.Name `json:"event"`
	At        time.Time  `json:"at"` // process time
	// Data is the event's data as the record stores it (event.Encode of
	// its type in the catalogue); none is {}.
	Data json.RawMessage `json:"data,omitempty"`
	// Stages are read-model rows to write with the event.
	Stages []process.Stage `json:"stages,omitempty"`
	// Windows are the intake's windows as the schedule now has them.
	Windows []process.ContributionWindow `json:"windows,omitempty"`
	// Phase, when set, is the process's phase from now on.
	Phase string `json:"phase,omitempty"`
	// Status, when set, is the process's status from now on.
	Status string `json:"status,omitempty"`
	// Also are entries recorded with the event, after it, by the same
	// activity: a rule of the modalities the act set aside. Each is
	// appended once under its own key, however often the activity runs.
	Also []process.RecordEvent `json:"also,omitempty"`
}

// Key identifies the event: recording it again is a no-op. A stage's events
// are unique by name, except repeated ones (such as reschedules), whose
// occurrence (event.Occurrence) the key includes.
func (e StageEvent) Key() string {
	key := e.ProcessID + "/" + e.StageID + "/" + string(e.Event)
	if occ, ok := event.Occurrence(e.Data); ok {
		key += "/" + occ
	}
	return key
}

// RecordStage appends the event to the process's hash-chained record and
// updates the observers' read model.
func (a *Activities) RecordStage(ctx context.Context, ev StageEvent) (process.RecordEntry, error) {
	data := []byte("{}")
	if len(ev.Data) > 0 {
		var err error
		if data, err = event.Canonical(ev.Data); err != nil {
			return process.RecordEntry{}, Classify(process.E("activities.RecordStage", process.Invalid, err))
		}
	}
	if len(ev.Stages) > 0 {
		if err := a.Store.PutStages(ctx, ev.Stages); err != nil {
			return process.RecordEntry{}, Classify(err)
		}
	}
	for _, w := range ev.Windows {
		if err := a.Store.PutWindow(ctx, w); err != nil {
			return process.RecordEntry{}, Classify(err)
		}
	}
	if ev.Phase != "" || ev.Status != "" {
		if err := a.updateProcess(ctx, ev.ProcessID, ev.Phase, ev.Status); err != nil {
			return process.RecordEntry{}, Classify(err)
		}
	}
	entry, err := a.Store.Append(ctx, process.RecordEvent{
		ProcessID: ev.ProcessID, Key: ev.Key(), StageID: ev.StageID, Event: string(ev.Event),
		At: ev.At.UTC(), Data: string(data),
	})
	if err != nil {
		return entry, Classify(err)
	}
	for _, also := range ev.Also {
		data, err := event.Canonical([]byte(also.Data))
		if err != nil {
			return process.RecordEntry{}, Classify(process.E("activities.RecordStage", process.Invalid, err))
		}
		also.ProcessID, also.At, also.Data = ev.ProcessID, also.At.UTC(), string(data)
		if _, err := a.Store.Append(ctx, also); err != nil {
			return process.RecordEntry{}, Classify(err)
		}
	}
	return entry, nil
}

func (a *Activities) updateProcess(ctx context.Context, id, phase, status string) error {
	p, err := a.Store.GetProcess(ctx, id)
	if err != nil {
		return err
	}
	if phase != "" {
		p.Phase = phase
	}
	if status != "" {
		p.Status = status
	}
	return a.Store.PutProcess(ctx, p)
}

// RegisterInput creates a process's read model.
type RegisterInput struct {
	Process process.Process `json:"process"`
	Stages  []process.Stage `json:"stages"`
	// Windows are the template's contribution windows, scheduled (or
	// pending, from a workflow that does not publish its schedule).
	Windows []process.ContributionWindow `json:"windows,omitempty"`
}

// RegisterProcess writes the process, its stages and its windows to the
// read model.
func (a *Activities) RegisterProcess(ctx context.Context, in RegisterInput) error {
	if err := a.Store.PutProcess(ctx, in.Process); err != nil {
		return Classify(err)
	}
	if err := a.Store.PutStages(ctx, in.Stages); err != nil {
		return Classify(err)
	}
	for _, w := range in.Windows {
		if err := a.Store.PutWindow(ctx, w); err != nil {
			return Classify(err)
		}
	}
	return nil
}
