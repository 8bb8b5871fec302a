package activities

import (
	"context"
	"fmt"
	"strings"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
)

// The simulated negotiated text: a zero draft whose headings are the real
// ones where the template's are known (gcm_objectives.go) and whose
// paragraphs say they are simulated; simulated delegations, each a real
// Member State's code, propose amendments to it, co-sponsor them and take
// positions; the co-facilitators' simulated decisions make each next
// revision by text.Compilation.Next. Amendment IDs start "SIM-", and every
// text and statement says it is simulated: none is a real act.

// simulatedNote marks the co-facilitators' simulated decisions.
const simulatedNote = "simulated decision of the co-facilitators"

// simulateTextDraft stores revision d.Revision of the text, unissued,
// and returns it: the zero draft, or the previous revision's compilation
// after the co-facilitators' simulated decisions. A retry finds it stored.
func (a *Activities) simulateTextDraft(ctx context.Context, d process.DocumentVersion, paragraphs int) (*text.Revision, error) {
	const op = "activities.SimulateDraft"
	if stored, err := a.Store.GetRevision(ctx, d.ProcessID, d.Revision); err == nil {
		return &stored.Revision, nil
	} else if process.KindOf(err) != process.NotFound {
		return nil, err
	}
	rev := &text.Revision{Number: d.Revision}
	var sources []text.Source
	if d.Revision == 0 {
		p, err := a.Store.GetProcess(ctx, d.ProcessID)
		if err != nil {
			return nil, err
		}
		rev = zeroDraft(p.TemplateID, d.Title, paragraphs)
	} else {
		n, err := a.Store.Negotiation(ctx, d.ProcessID, d.Revision-1)
		if process.KindOf(err) == process.NotFound {
			// On a fast clock the previous revision's stage may still be
			// publishing it: try again shortly.
			err = process.E(op, process.Unavailable, err)
		}
		if err != nil {
			return nil, err
		}
		acts := textActs{store: a.Store, processID: d.ProcessID, stageID: d.StageID, at: d.IssuedAt}
		if err := decideSimulated(ctx, acts, &n); err != nil {
			return nil, err
		}
		if rev, sources, err = CompiledRevision(ctx, a.Store, d.ProcessID, d.Revision); err != nil {
			return nil, err
		}
	}
	_, err := a.Store.PutRevision(ctx, store.Revision{
		ProcessID: d.ProcessID, Revision: *rev, Symbol: d.Symbol, Language: "en", Sources: sources,
	})
	return rev, err
}

// zeroDraft is a simulated zero draft: the real title and objectives of
// gcm-2018, each objective a heading over one simulated commitment, or for
// another template the document's title over n simulated paragraphs.
func zeroDraft(templateID, title string, n int) *text.Revision {
	rev := &text.Revision{}
	add := func(part text.Part, num, s string) {
		rev.Paragraphs = append(rev.Paragraphs, text.Paragraph{Part: part, Num: num, Text: s})
	}
	if templateID == "gcm-2018" {
		add(text.Title, "", gcmTitle)
	} else {
		add(text.Title, "", title)
	}
	for i := range 2 {
		add(text.Preamble, "", fmt.Sprintf("Simulated preambular paragraph %d of the zero draft.", i+1))
	}
	if templateID == "gcm-2018" {
		for i, objective := range gcmObjectives {
			add(text.Heading, fmt.Sprintf("Objective %d", i+1), objective)
			add(text.Operative, "", fmt.Sprintf("We commit to act on objective %d (simulated text of the zero draft).", i+1))
		}
	} else {
		for i := range max(n, 1) {
			add(text.Operative, "", fmt.Sprintf("We commit to act on paragraph %d (simulated text of the zero draft).", i+1))
		}
	}
	rev.Renumber()
	text.Identify(nil, rev)
	return rev
}

// decideSimulated has the co-facilitators decide every pending amendment
// on n: one that more delegations support than oppose is incorporated,
// unless another has changed the same paragraph already; the rest are not
// retained.
func decideSimulated(ctx context.Context, acts textActs, n *store.Negotiation) error {
	c, err := n.Compile()
	if err != nil {
		return err
	}
	for _, e := range c.Entries {
		changed := false
		for _, p := range e.Proposals {
			changes := p.Amendment.Kind == text.Replace || p.Amendment.Kind == text.EditWords || p.Amendment.Kind == text.Delete
			if p.Decision.Outcome != text.Pending { // decided by an earlier try
				changed = changed || changes && p.Decision.Outcome != text.NotRetained
				continue
			}
			d := text.Decision{Outcome: text.NotRetained, Note: simulatedNote}
			if len(p.Support) > len(p.Oppose) && !(changes && changed) {
				d.Outcome, changed = text.Incorporated, changed || changes
			}
			if err := acts.decide(ctx, p.Amendment.ID, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// simulateTextAmendments has count simulated delegations propose
// amendments to revision number, co-sponsor them and take positions, and
// returns how many it proposed. Once a later revision is stored the
// revision takes no more, and it stops there.
func (a *Activities) simulateTextAmendments(ctx context.Context, in SimulateAmendmentsInput) (int, error) {
	rev, err := a.Store.GetRevision(ctx, in.ProcessID, in.Revision)
	if err != nil {
		return 0, err
	}
	var ops []int
	for i, p := range rev.Paragraphs {
		if p.Part == text.Operative && p.Level == 0 {
			ops = append(ops, i)
		}
	}
	if len(ops) == 0 {
		return 0, nil
	}
	cited, err := a.Store.ListContributions(ctx, store.ContributionFilter{ProcessID: in.ProcessID, Limit: 20})
	if err != nil {
		return 0, err
	}
	delegations, err := text.NewDelegations()
	if err != nil {
		return 0, err
	}
	states := process.MemberStates()
	state := func(n int) string { return states[n%len(states)].Code }
	acts := textActs{store: a.Store, processID: in.ProcessID, stageID: in.StageID, at: in.At}
	var positions []text.Position
	proposed := 0
	for i := range in.Count {
		seed := i*7 + in.Revision*13
		p := rev.Paragraphs[ops[(i*5+in.Revision*3)%len(ops)]]
		am := text.Amendment{ID: fmt.Sprintf("SIM-R%d-%03d", in.Revision, i+1), Revision: in.Revision, Sponsor: state(seed)}
		switch {
		case i%4 == 0 && strings.Count(p.Text, "act on") == 1:
			am.Kind, am.Edits = text.EditWords, []text.Edit{{Old: "act on", New: "act together on"}}
		case i%4 == 2:
			am.Kind, am.Text = text.InsertAfter, fmt.Sprintf("We will report on progress, as %s proposes in amendment %s (simulated).", am.Sponsor, am.ID)
		default:
			am.Kind, am.Text = text.Replace, fmt.Sprintf("We commit to act on this, as %s proposes in amendment %s (simulated).", am.Sponsor, am.ID)
		}
		am.Paragraph = p.ID
		if i%2 == 0 && len(cited) > 0 {
			am.Cites = []string{cited[(i/2)%len(cited)].Tracking}
		}
		if err := delegations.ValidateAmendment(&rev.Revision, &am); err != nil {
			return proposed, err
		}
		if _, err := acts.propose(ctx, am); err != nil {
			return superseded(proposed, err)
		}
		if err := acts.cosponsor(ctx, am.ID, state(seed+5)); err != nil {
			return superseded(proposed, err)
		}
		proposed++
		for j := range 3 {
			stance := text.Support
			switch {
			case j == 1 && i%3 == 0:
				stance = text.Oppose
			case j == 2 && i%5 == 0:
				stance = text.Reservation
			}
			positions = append(positions, text.Position{Party: state(seed + 17*(j+1)), Amendment: am.ID, Stance: stance, Statement: "Simulated position."})
		}
	}
	for _, p := range positions {
		if err := delegations.ValidatePosition(&p); err != nil {
			return proposed, err
		}
	}
	if err := acts.takePositions(ctx, positions); err != nil {
		return superseded(proposed, err)
	}
	return proposed, nil
}

// superseded ends a simulated round at a Conflict: the next revision is
// stored, so this one takes nothing more.
func superseded(n int, err error) (int, error) {
	if process.KindOf(err) == process.Conflict {
		return n, nil
	}
	return n, err
}
