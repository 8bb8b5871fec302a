package activities

import (
	"context"

	"github.com/compact-un/compact/process"
)

// PublishInput is a document version to publish. A version with no
// paragraphs but a SHA256 refers to one stored already (by the API, for the
// co-facilitators' drafts); its hash must match.
type PublishInput struct {
	Document process.DocumentVersion `json:"document"`
	// DiffAgainst is the revision to diff with; negative for none.
	DiffAgainst int `json:"diffAgainst"`
}

// PublishResult is the stored version and its diff with the earlier one.
type PublishResult struct {
	Document process.DocumentVersion `json:"document"`
	Diff     *process.DiffStats      `json:"diff,omitempty"`
}

// PublishDocument stores a document version, content-addressed, and diffs it
// by paragraph against an earlier revision.
func (a *Activities) PublishDocument(ctx context.Context, in PublishInput) (PublishResult, error) {
	d := in.Document
	var err error
	if d.Paragraphs == nil && d.SHA256 != "" {
		want := d.SHA256
		if d, err = a.Store.GetDocument(ctx, d.ProcessID, d.Name, d.Revision); err != nil {
			return PublishResult{}, Classify(err)
		}
		if d.SHA256 != want {
			return PublishResult{}, Classify(process.Errorf("activities.PublishDocument", process.Conflict,
				"%s revision %d has hash %s, not %s", d.Name, d.Revision, d.SHA256, want))
		}
	} else if d, err = a.Store.PutDocument(ctx, d); err != nil {
		return PublishResult{}, Classify(err)
	}
	res := PublishResult{Document: d}
	if in.DiffAgainst >= 0 {
		prev, err := a.Store.GetDocument(ctx, d.ProcessID, d.Name, in.DiffAgainst)
		if err != nil {
			return PublishResult{}, Classify(err)
		}
		stats := process.Stats(process.DiffParagraphs(prev.Paragraphs, d.Paragraphs))
		res.Diff = &stats
	}
	res.Document.Paragraphs = nil // the text stays in the store, not in history
	return res, nil
}

// CountAmendments counts the amendments proposed during a stage.
func (a *Activities) CountAmendments(ctx context.Context, in SealInput) (int, error) {
	ams, err := a.Store.ListAmendments(ctx, in.ProcessID, in.StageID)
	return len(ams), Classify(err)
}
