package store

import (
	"context"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/text"
)

// Texts keep a process's negotiated text (package text): its revisions
// with their stable paragraph IDs, the amendments delegations propose on
// the latest revision, their positions, the co-facilitators' marks, and
// what each revision's changes came from. The store checks what it holds
// (the revision is the latest, the paragraph is in it, the cited
// contributions exist); what an amendment or a position says is checked
// before, by text.Delegations. Proposals, positions and marks on a
// revision that a later one has superseded are a Conflict.
type Texts interface {
	// PutRevision stores a revision: 0 first, then each the one after the
	// latest. The same content again is a no-op and may issue a draft
	// stored unissued (IssuedAt set); other content is a Conflict.
	PutRevision(ctx context.Context, r Revision) (Revision, error)
	// LatestRevision is the number of the process's latest revision, the
	// one delegations amend; NotFound when it has none.
	LatestRevision(ctx context.Context, processID string) (int, error)
	// GetRevision returns a revision with its paragraphs and sources.
	GetRevision(ctx context.Context, processID string, number int) (Revision, error)
	// RevisionHeads lists a process's revisions without their paragraphs,
	// in order: which exist and which are issued, for what a reader may see.
	RevisionHeads(ctx context.Context, processID string) ([]RevisionHead, error)
	// ProposeAmendment stores an amendment on the latest revision; the same
	// amendment (process, ID, content) again returns the stored one.
	// Each write below records what it changed in the process's record
	// (TextEvents), in its own transaction; a write that changes nothing
	// records nothing.
	ProposeAmendment(ctx context.Context, processID string, a text.Amendment, act Act) (Amendment, error)
	// Cosponsor adds party to an amendment's co-sponsors, or with joins
	// false withdraws it; doing either twice is a no-op.
	Cosponsor(ctx context.Context, processID, amendmentID, party string, joins bool, act Act) (Amendment, error)
	// DecideAmendment records the co-facilitators' decision, replacing an
	// earlier one until the next revision is stored.
	DecideAmendment(ctx context.Context, processID, amendmentID string, d text.Decision, act Act) (Amendment, error)
	// TakePositions stores positions in one transaction: one per party and
	// amendment, a later one replacing the earlier. Each outcome says
	// whether that position replaced another; the same position again
	// gives the outcome it gave first. Positions on a decided amendment
	// are a Conflict.
	TakePositions(ctx context.Context, processID string, ps []text.Position, act Act) ([]PositionTaken, error)
	// MarkParagraph marks a paragraph of the latest revision agreed ad
	// ref, agreed or open, with a note; a later mark replaces it.
	MarkParagraph(ctx context.Context, processID string, revision int, m ParagraphMark, act Act) error
	// Negotiation reads a revision with everything on it, in one
	// transaction: what text.Compile takes (Negotiation.Compile).
	Negotiation(ctx context.Context, processID string, revision int) (Negotiation, error)
	// ParagraphHistory is a paragraph in every revision it is or was in,
	// oldest first, with the change that made it each time.
	ParagraphHistory(ctx context.Context, processID, paragraphID string) ([]ParagraphVersion, error)
	// Informed lists the paragraph changes a contribution informed, by
	// revision and then in revision order.
	Informed(ctx context.Context, tracking string) ([]ParagraphVersion, error)
}

// Act is who changed the text and when: what the record says of a write.
type Act struct {
	By      string    // the party acting: a Member State, or whoever serves the process
	Role    string    // the role of the token it acted with
	At      time.Time // process time
	StageID string    // the draft stage whose revision the change is on
	// Simulated: a replay's simulated delegation acted, not the State named.
	Simulated bool
}

// Actor is who acted, as the record says it.
func (a Act) Actor() event.Actor { return event.Actor{By: a.By, Role: a.Role, Simulated: a.Simulated} }

// Revision is a stored revision of a process's draft.
type Revision struct {
	ProcessID string `json:"processId"`
	text.Revision
	Symbol   string `json:"symbol,omitempty"` // e.g. "A/CONF.231/3"; drafts often have none
	Language string `json:"language"`         // en, fr, es, ru, ar or zh: the one it is negotiated in
	// Sources say, for every paragraph changed, added or removed since the
	// revision before, the amendments and contributions it came from; for
	// revision 0, the contributions that informed a paragraph.
	Sources  []text.Source `json:"sources,omitempty"`
	SHA256   string        `json:"sha256"`            // of the content; the store sets it
	IssuedAt time.Time     `json:"issuedAt,omitzero"` // zero for a draft only those who serve the process read
}

// RevisionHead is a revision without its text.
type RevisionHead struct {
	Number   int
	IssuedAt time.Time // zero for a draft not yet issued
}

// Amendment is a stored amendment: as proposed, with the co-sponsors who
// joined it since and those who withdrew, and the co-facilitators'
// decision.
type Amendment struct {
	text.Amendment
	// Withdrawn are the co-sponsors who withdrew, in the order they joined;
	// CoSponsors are those who remain.
	Withdrawn  []string      `json:"withdrawn,omitempty"`
	Decision   text.Decision `json:"decision"`
	ProposedAt time.Time     `json:"proposedAt"`
}

// PositionTaken is the outcome of one position.
type PositionTaken struct {
	text.Position
	// Replaced: the party had taken another position on the amendment,
	// which this one replaced.
	Replaced bool `json:"replaced"`
}

// ParagraphMark is the co-facilitators' mark on a paragraph of a revision.
type ParagraphMark struct {
	Paragraph string      `json:"paragraph"` // its ID
	Status    text.Status `json:"status"`
	Note      string      `json:"note,omitempty"`
}

// Negotiation is a revision with the amendments proposed on it, in the
// order proposed, the positions taken on them, in the order first taken,
// and the marks.
type Negotiation struct {
	Revision   Revision        `json:"revision"`
	Amendments []Amendment     `json:"amendments"`
	Positions  []text.Position `json:"positions"`
	Marks      []ParagraphMark `json:"marks"`
}

// Compile is the compilation of the negotiation (text.Compile).
func (n *Negotiation) Compile() (*text.Compilation, error) {
	marks := text.Marks{Paragraphs: map[string]text.Status{}, Amendments: map[string]text.Decision{}}
	for _, m := range n.Marks {
		marks.Paragraphs[m.Paragraph] = m.Status
	}
	amendments := make([]text.Amendment, len(n.Amendments))
	for i, a := range n.Amendments {
		amendments[i] = a.Amendment
		marks.Amendments[a.ID] = a.Decision
	}
	return text.Compile(&n.Revision.Revision, amendments, n.Positions, marks)
}

// ParagraphVersion is a paragraph as one revision has it, and how it came
// to be so. A removed paragraph is given as it was in the revision before.
type ParagraphVersion struct {
	Revision  int            `json:"revision"`
	Paragraph text.Paragraph `json:"paragraph"`
	// Change is empty when the revision kept the paragraph as it was, or
	// said nothing of where it came from.
	Change        text.ChangeOp `json:"change,omitempty"`
	Amendments    []string      `json:"amendments,omitempty"`
	Contributions []string      `json:"contributions,omitempty"`
}
