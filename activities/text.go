package activities

import (
	"context"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
)

// IdentifyRevision gives rev, numbered, the IDs of the previous stored
// revision's paragraphs (text.Identify) and says what its changes came
// from, by the previous revision's compilation (text.Compilation.SourcesOf).
// Once rev is stored, the previous negotiation takes nothing more, so a
// retry gives the same revision. Revision 0, or one after drafts published
// as paragraphs only, has no sources.
func IdentifyRevision(ctx context.Context, s store.Texts, processID string, rev *text.Revision) ([]text.Source, error) {
	if rev.Number == 0 {
		text.Identify(nil, rev)
		return nil, nil
	}
	n, err := s.Negotiation(ctx, processID, rev.Number-1)
	if process.KindOf(err) == process.NotFound {
		text.Identify(nil, rev)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := n.Compile()
	if err != nil {
		return nil, err
	}
	text.Identify(&n.Revision.Revision, rev)
	return c.SourcesOf(rev), nil
}

// CompiledRevision is revision number made from the previous revision's
// compilation (text.Compilation.Next), with its sources.
func CompiledRevision(ctx context.Context, s store.Texts, processID string, number int) (*text.Revision, []text.Source, error) {
	const op = "activities.CompiledRevision"
	if number == 0 {
		return nil, nil, process.Errorf(op, process.Invalid, "revision 0 has no revision before it to compile")
	}
	n, err := s.Negotiation(ctx, processID, number-1)
	if err != nil {
		return nil, nil, err
	}
	c, err := n.Compile()
	if err != nil {
		return nil, nil, err
	}
	return c.Next()
}

// DisplayLines are a text revision's paragraphs as a draft's lines: a
// heading with its label, other paragraphs without their numbers, so that
// the diff of drafts as lines shows what changed, not what was renumbered.
func DisplayLines(rev *text.Revision) []string {
	lines := make([]string, len(rev.Paragraphs))
	for i, p := range rev.Paragraphs {
		lines[i] = p.Text
		if p.Part == text.Heading && p.Num != "" {
			lines[i] = p.Num + ": " + p.Text
		}
	}
	return lines
}

// textActs is the one place activities write delegations' and the
// co-facilitators' acts on the text (the replay's, all simulated), so that
// what the store asks of each act (who acted, in what role, when, in which
// stage) is given here.
type textActs struct {
	store     store.Texts
	processID string
	stageID   string
	at        time.Time // process time
}

// act is who acted: a simulated delegation, or for decisions the
// simulated co-facilitators; the record marks every one simulated.
func (t textActs) act(by, role string) store.Act {
	return store.Act{By: by, Role: role, At: t.at, StageID: t.stageID, Simulated: true}
}

func (t textActs) propose(ctx context.Context, a text.Amendment) (store.Amendment, error) {
	return t.store.ProposeAmendment(ctx, t.processID, a, t.act(a.Sponsor, "member-state"))
}

func (t textActs) cosponsor(ctx context.Context, amendmentID, party string) error {
	_, err := t.store.Cosponsor(ctx, t.processID, amendmentID, party, true, t.act(party, "member-state"))
	return err
}

func (t textActs) decide(ctx context.Context, amendmentID string, d text.Decision) error {
	_, err := t.store.DecideAmendment(ctx, t.processID, amendmentID, d, t.act("co-facilitators", "co-facilitator"))
	return err
}

// takePositions records each delegation's positions as its own act.
func (t textActs) takePositions(ctx context.Context, ps []text.Position) error {
	for _, p := range ps {
		if _, err := t.store.TakePositions(ctx, t.processID, []text.Position{p}, t.act(p.Party, "member-state")); err != nil {
			return err
		}
	}
	return nil
}

// MaxRecordedSources bounds the sources a draft.published entry carries;
// the revision in the store has them all.
const MaxRecordedSources = 200

// IssueRevisionInput asks for a stored text revision to be issued.
type IssueRevisionInput struct {
	ProcessID string    `json:"processId"`
	Revision  int       `json:"revision"`
	IssuedAt  time.Time `json:"issuedAt"` // process time
}

// IssuedRevision is a text revision issued, with what its changes came
// from, by IDs only.
type IssuedRevision struct {
	// Issued is false for a draft published as paragraphs only.
	Issued  bool          `json:"issued"`
	SHA256  string        `json:"sha256,omitempty"`
	Sources []text.Source `json:"sources,omitempty"` // at most MaxRecordedSources
	// MoreSources counts those left out of Sources.
	MoreSources int `json:"moreSources,omitempty"`
}

// IssueRevision issues the text revision stored, unissued, with a draft
// (store.Texts.PutRevision with IssuedAt). Issuing it again is a no-op.
func (a *Activities) IssueRevision(ctx context.Context, in IssueRevisionInput) (IssuedRevision, error) {
	r, err := a.Store.GetRevision(ctx, in.ProcessID, in.Revision)
	if process.KindOf(err) == process.NotFound {
		return IssuedRevision{}, nil
	}
	if err != nil {
		return IssuedRevision{}, Classify(err)
	}
	r.IssuedAt = in.IssuedAt
	if r, err = a.Store.PutRevision(ctx, r); err != nil {
		return IssuedRevision{}, Classify(err)
	}
	out := IssuedRevision{Issued: true, SHA256: r.SHA256, Sources: r.Sources}
	if len(out.Sources) > MaxRecordedSources {
		out.Sources, out.MoreSources = out.Sources[:MaxRecordedSources], len(out.Sources)-MaxRecordedSources
	}
	return out, nil
}

// CountDraftAmendmentsInput names a draft stage and the revision it takes
// amendments on.
type CountDraftAmendmentsInput struct {
	ProcessID string `json:"processId"`
	StageID   string `json:"stageId"`
	Revision  int    `json:"revision"`
}

// CountDraftAmendments counts the amendments proposed during a stage as
// lines and those proposed on its text revision.
func (a *Activities) CountDraftAmendments(ctx context.Context, in CountDraftAmendmentsInput) (int, error) {
	lines, err := a.Store.ListAmendments(ctx, in.ProcessID, in.StageID)
	if err != nil {
		return 0, Classify(err)
	}
	n, err := a.Store.Negotiation(ctx, in.ProcessID, in.Revision)
	if process.KindOf(err) == process.NotFound {
		return len(lines), nil
	}
	return len(lines) + len(n.Amendments), Classify(err)
}
