package wire

import (
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/text"
)

// Bodies of the negotiation routes, where delegations amend the latest
// revision of a process's text and the co-facilitators decide.
type (
	// TextAmendmentRequest proposes an amendment to the latest revision,
	// sent with an Idempotency-Key header that a retry repeats.
	TextAmendmentRequest struct {
		Kind text.AmendmentKind `json:"kind"`
		// Paragraph is the stable ID of the paragraph it is on, or its
		// label in the revision ("OP12", "PP3"); none for a new paragraph.
		Paragraph string      `json:"paragraph,omitempty"`
		Part      text.Part   `json:"part,omitempty"` // a new paragraph's: preamble or operative
		Text      string      `json:"text,omitempty"`
		Edits     []text.Edit `json:"edits,omitempty"`
		// Sponsor is the caller's State or a group it belongs to.
		Sponsor    string   `json:"sponsor"`
		CoSponsors []string `json:"coSponsors,omitempty"`
		Cites      []string `json:"cites,omitempty"` // contributions' tracking numbers
	}
	// CosponsorRequest joins an amendment as the caller's State or as a
	// group it belongs to.
	CosponsorRequest struct {
		Party string `json:"party"`
	}
	// PositionRequest takes the caller's State's position on an amendment,
	// or, with party, a group's it belongs to.
	PositionRequest struct {
		Stance    text.Stance `json:"stance"` // support, oppose or reservation
		Statement string      `json:"statement,omitempty"`
		Party     string      `json:"party,omitempty"`
	}
	// DecisionRequest is the co-facilitators' decision on an amendment.
	DecisionRequest struct {
		Outcome string `json:"outcome"` // incorporated, merged or not-retained
		Note    string `json:"note,omitempty"`
		Text    string `json:"text,omitempty"` // the wording a merged amendment is merged into
	}
	// MarkRequest marks a paragraph of the latest revision.
	MarkRequest struct {
		Status string `json:"status"` // agreed-ad-ref, agreed or open
		Note   string `json:"note,omitempty"`
	}
)

// TextAmendment is an amendment as it stands: its co-sponsors now, those
// who withdrew, the decision on it, and, when read, every delegation's
// latest position.
type TextAmendment struct {
	ProcessID string `json:"processId"`
	StageID   string `json:"stageId,omitempty"` // the draft stage whose revision it amends, in a write's answer
	text.Amendment
	Withdrawn  []string        `json:"withdrawn,omitempty"`
	Decision   Decision        `json:"decision"`
	ProposedAt time.Time       `json:"proposedAt"` // process time
	Positions  []text.Position `json:"positions,omitempty"`
}

// Decision is what the co-facilitators did with an amendment.
type Decision struct {
	Outcome string `json:"outcome"` // pending, incorporated, merged or not-retained
	Note    string `json:"note,omitempty"`
	Text    string `json:"text,omitempty"`
}

// PositionTaken answers a position: Replaced says that it replaced the
// party's earlier position on the amendment.
type PositionTaken struct {
	text.Position
	Replaced bool `json:"replaced"`
}

// ParagraphMark is a paragraph's mark as it now stands.
type ParagraphMark struct {
	Revision  int    `json:"revision"`
	Paragraph string `json:"paragraph"` // its stable ID
	Status    string `json:"status"`
	Note      string `json:"note,omitempty"`
}

// Outcomes and statuses as the wire spells them: text's, with dashes for
// spaces.
var (
	Outcomes = map[string]text.Outcome{"incorporated": text.Incorporated, "merged": text.Merged,
		"not-retained": text.NotRetained}
	Statuses = map[string]text.Status{"agreed-ad-ref": text.AgreedAdRef, "agreed": text.Agreed, "open": text.Open}
)

// Groups are the groups of States that negotiate in a process with one
// voice, as its template declares them (GET /v1/processes/{id}/groups).
type Groups struct {
	ProcessID string          `json:"processId"`
	Groups    []process.Group `json:"groups"`
}
