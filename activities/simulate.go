package activities

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// The Simulate activities play a process's participants through the same
// store calls the API makes, so that a template's history replays whole.
// Each is idempotent: simulated parties and keys are derived from their
// inputs, and what is there already is kept.

var categories = []string{"civil-society", "diaspora", "migrant-organisation", "private-sector", "academia"}

// SimulatedParty names the n-th simulated organisation.
func SimulatedParty(n int) string { return fmt.Sprintf("org-%04d", n) }

// SimulateApplicationsInput asks for Count organisations to apply.
type SimulateApplicationsInput struct {
	ProcessID string                    `json:"processId"`
	For       process.AccreditationList `json:"for,omitempty"` // the stage's list; "": preparatory
	Count     int                       `json:"count"`
	ECOSOC    int                       `json:"ecosocEvery"` // every n-th is in ECOSOC status; 0: none
	At        time.Time                 `json:"at"`          // wall time
	// StageID and RecordAt, the process time of the window's opening, put
	// each ECOSOC check in the record with its application; a zero
	// RecordAt (workflows before ecosoc-in-chain) leaves it out.
	StageID  string    `json:"stageId,omitempty"`
	RecordAt time.Time `json:"recordAt,omitzero"`
}

// SimulateApplications files the applications and returns how many are
// filed (those filed by an earlier try included).
func (a *Activities) SimulateApplications(ctx context.Context, in SimulateApplicationsInput) (int, error) {
	for n := 1; n <= in.Count; n++ {
		app := process.Application{
			ProcessID: in.ProcessID, For: in.For, Party: SimulatedParty(n), Name: fmt.Sprintf("Simulated organisation %d", n),
			Category: categories[n%len(categories)], ECOSOC: in.ECOSOC > 0 && n%in.ECOSOC == 0,
			AppliedAt: in.At.UTC(),
		}
		if app.ECOSOC {
			app.Match = process.SimulatedECOSOCMatch()
		}
		var act *store.Act
		if !in.RecordAt.IsZero() {
			act = &store.Act{By: app.Party, Role: "stakeholder", At: in.RecordAt, StageID: in.StageID, Simulated: true}
		}
		_, err := a.Store.Apply(ctx, app, act)
		if err != nil && process.KindOf(err) != process.Conflict {
			return 0, Classify(err)
		}
	}
	return in.Count, nil
}

// SimulateContributionsInput asks for Count contributions to a window.
type SimulateContributionsInput struct {
	ProcessID string    `json:"processId"`
	StageID   string    `json:"stageId"`
	Count     int       `json:"count"`
	At        time.Time `json:"at"` // wall time, inside the window
}

// simultaneousSubmitters is how many simulated participants submit at once.
const simultaneousSubmitters = 32

// SimulateContributions submits Count contributions, turn by turn from the
// accredited stakeholders and the Member States, and returns how many were
// acknowledged.
func (a *Activities) SimulateContributions(ctx context.Context, in SimulateContributionsInput) (int, error) {
	accredited, err := a.Store.ListApplications(ctx, in.ProcessID, process.PreparatoryList, process.Approved)
	if err != nil {
		return 0, Classify(err)
	}
	states := process.MemberStates()
	g, gctx := errgroup.WithContext(ctx)
	// A window's participants send at once, as a deadline's do, and the
	// group commit stores what arrives together in one transaction: 32 at
	// a time rather than 8 took the bench's whole process from 9.7 to 7.7 s.
	g.SetLimit(simultaneousSubmitters)
	for i := range in.Count {
		sub := process.Submission{
			ProcessID: in.ProcessID, StageID: in.StageID,
			IdempotencyKey: fmt.Sprintf("sim-%s-%d", in.StageID, i),
			Title:          fmt.Sprintf("Simulated contribution %d to %s", i+1, in.StageID),
			Body:           fmt.Sprintf("Simulated contribution %d to %s.", i+1, in.StageID),
		}
		if len(accredited) > 0 && i%2 == 0 {
			sub.Party, sub.Role = accredited[(i/2)%len(accredited)].Party, "stakeholder"
		} else {
			sub.Party, sub.Role = states[i%len(states)].Code, "member-state"
		}
		g.Go(func() error {
			_, err := a.Store.Submit(gctx, sub, in.At)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return 0, Classify(err)
	}
	return in.Count, nil
}

// SimulateAmendmentsInput asks for Count amendments to a revision.
type SimulateAmendmentsInput struct {
	ProcessID  string `json:"processId"`
	StageID    string `json:"stageId"`
	Revision   int    `json:"revision"`
	Paragraphs int    `json:"paragraphs"`
	Count      int    `json:"count"`
	// Text: amendments to the revision's negotiated text, co-sponsored
	// and with positions, rather than to its lines.
	Text bool      `json:"text,omitempty"`
	At   time.Time `json:"at,omitzero"` // process time: when they are proposed
}

// SimulateAmendments has Member States propose amendments to a draft's
// paragraphs.
func (a *Activities) SimulateAmendments(ctx context.Context, in SimulateAmendmentsInput) (int, error) {
	if in.Text {
		n, err := a.simulateTextAmendments(ctx, in)
		return n, Classify(err)
	}
	states := process.MemberStates()
	for i := range in.Count {
		p := i%max(in.Paragraphs, 1) + 1
		err := a.Store.AddAmendment(ctx, process.Amendment{
			ProcessID: in.ProcessID, StageID: in.StageID, State: states[(i*7)%len(states)].Code,
			Revision: in.Revision, Paragraph: p,
			Text: fmt.Sprintf("Paragraph %d as amended in revision %d.", p, in.Revision+1),
		})
		if err != nil {
			return 0, Classify(err)
		}
	}
	return in.Count, nil
}

// SimulateDraftInput asks for a draft revision's text.
type SimulateDraftInput struct {
	Document process.DocumentVersion `json:"document"`
	// AmendedFrom is the stage whose amendments to the previous revision
	// this one takes up; empty for the first.
	AmendedFrom string `json:"amendedFrom,omitempty"`
	Paragraphs  int    `json:"paragraphs"`
	// Text: the revision is a negotiated text (simulate_text.go), stored
	// with the lines of the draft.
	Text bool `json:"text,omitempty"`
}

// SimulateDraft writes a revision: the previous revision's paragraphs with
// the first amendment proposed to each taken up, and stores it. It returns
// the stored version without its text.
func (a *Activities) SimulateDraft(ctx context.Context, in SimulateDraftInput) (process.DocumentVersion, error) {
	d := in.Document
	if in.Text {
		rev, err := a.simulateTextDraft(ctx, d, in.Paragraphs)
		if err != nil {
			return process.DocumentVersion{}, Classify(err)
		}
		d.Paragraphs = DisplayLines(rev)
		stored, err := a.Store.PutDocument(ctx, d)
		stored.Paragraphs = nil
		return stored, Classify(err)
	}
	paras := make([]string, in.Paragraphs)
	for i := range paras {
		paras[i] = fmt.Sprintf("Paragraph %d of the zero draft.", i+1)
	}
	if d.Revision > 0 {
		prev, err := a.Store.GetDocument(ctx, d.ProcessID, d.Name, d.Revision-1)
		if process.KindOf(err) == process.NotFound {
			// On a fast clock the previous revision's stage may still be
			// publishing it: try again shortly.
			err = process.E("activities.SimulateDraft", process.Unavailable, err)
		}
		if err != nil {
			return process.DocumentVersion{}, Classify(err)
		}
		copy(paras, prev.Paragraphs)
		if in.AmendedFrom != "" {
			amendments, err := a.Store.ListAmendments(ctx, d.ProcessID, in.AmendedFrom)
			if err != nil {
				return process.DocumentVersion{}, Classify(err)
			}
			taken := map[int]bool{}
			for _, am := range amendments {
				if am.Paragraph >= 1 && am.Paragraph <= len(paras) && !taken[am.Paragraph] {
					paras[am.Paragraph-1], taken[am.Paragraph] = am.Text, true
				}
			}
		}
	}
	d.Paragraphs = paras
	stored, err := a.Store.PutDocument(ctx, d)
	if err != nil {
		return process.DocumentVersion{}, Classify(err)
	}
	stored.Paragraphs = nil
	return stored, nil
}
