package activities

import (
	"context"
	"time"

	"github.com/compact-un/compact/process"
)

// ListInput names a batch of an accreditation list.
type ListInput struct {
	ProcessID string                    `json:"processId"`
	For       process.AccreditationList `json:"for,omitempty"` // "": preparatory, as in histories before the conference's list
	List      string                    `json:"list"`
	At        time.Time                 `json:"at,omitzero"` // process time of a decision
}

// Circulate puts the pending applications on a list and returns their
// parties.
func (a *Activities) Circulate(ctx context.Context, in ListInput) ([]string, error) {
	apps, err := a.Store.Circulate(ctx, in.ProcessID, in.For, in.List)
	if err != nil {
		return nil, Classify(err)
	}
	return parties(apps), nil
}

// ObjectionInput is a State's objection to an application.
type ObjectionInput struct {
	ProcessID string                    `json:"processId"`
	For       process.AccreditationList `json:"for,omitempty"`
	Party     string                    `json:"party"`
	Objection process.Objection         `json:"objection"`
}

// RecordObjection stores an objection; objecting twice is a no-op.
func (a *Activities) RecordObjection(ctx context.Context, in ObjectionInput) error {
	return Classify(a.Store.Object(ctx, in.ProcessID, in.For, in.Party, in.Objection))
}

// Decision is a list's outcome.
type Decision struct {
	Approved []string `json:"approved"`
	Rejected []string `json:"rejected"`
}

// Decide closes a list: approved without objection, rejected otherwise.
func (a *Activities) Decide(ctx context.Context, in ListInput) (Decision, error) {
	apps, err := a.Store.Decide(ctx, in.ProcessID, in.List, in.At)
	if err != nil {
		return Decision{}, Classify(err)
	}
	var d Decision
	for _, app := range apps {
		if app.State == process.Approved {
			d.Approved = append(d.Approved, app.Party)
		} else {
			d.Rejected = append(d.Rejected, app.Party)
		}
	}
	return d, nil
}

func parties(apps []process.Application) []string {
	out := make([]string, len(apps))
	for i, app := range apps {
		out[i] = app.Party
	}
	return out
}
