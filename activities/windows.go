package activities

import (
	"context"

	"github.com/compact-un/compact/process"
)

// OpenWindow publishes a contribution window to the intake, or moves its
// close; the intake checks every submission against it.
func (a *Activities) OpenWindow(ctx context.Context, w process.ContributionWindow) error {
	return Classify(a.Store.PutWindow(ctx, w))
}

// SealInput names a window.
type SealInput struct {
	ProcessID string `json:"processId"`
	StageID   string `json:"stageId"`
}

// SealWindow closes a window for good and returns its count and digest.
func (a *Activities) SealWindow(ctx context.Context, in SealInput) (process.Seal, error) {
	seal, err := a.Store.SealWindow(ctx, in.ProcessID, in.StageID)
	return seal, Classify(err)
}
