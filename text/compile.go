package text

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/compact-un/compact/process"
)

// Status is how far the co-facilitators mark a paragraph agreed. Its
// value is the API's and the record's name for it.
type Status string

const (
	Open        Status = "open"
	AgreedAdRef Status = "agreed-ad-ref" // agreed ad referendum, subject to capitals
	Agreed      Status = "agreed"
)

// words is a name as the compilation's text writes it: "agreed ad ref".
func words[T ~string](name T) string { return strings.ReplaceAll(string(name), "-", " ") }

// Outcome is what the co-facilitators did with an amendment; pending
// until they decide. Its value is the API's and the record's name for it.
type Outcome string

const (
	Pending      Outcome = ""
	Incorporated Outcome = "incorporated" // taken into the next revision as proposed
	Merged       Outcome = "merged"       // taken in with others, in Decision.Text
	NotRetained  Outcome = "not-retained"
)

// Decision is the co-facilitators' mark on an amendment.
type Decision struct {
	Outcome Outcome `json:"outcome"`
	Note    string  `json:"note,omitempty"`
	// Text is, for a merged amendment, the co-facilitators' wording that
	// takes its place: the amendments merged into one paragraph carry the
	// same Text.
	Text string `json:"text,omitempty"`
}

// Marks are the co-facilitators' marks on a compilation, by paragraph ID
// and by amendment ID. An unmarked paragraph is open; an unmarked
// amendment is pending.
type Marks struct {
	Paragraphs map[string]Status   `json:"paragraphs,omitempty"`
	Amendments map[string]Decision `json:"amendments,omitempty"`
}

// Compilation is a revision with every amendment on it in place, with the
// positions taken on each: the rolling text of a negotiation.
type Compilation struct {
	Revision *Revision `json:"revision"`
	Entries  []Entry   `json:"entries"` // one per paragraph, in order
}

// Entry is one paragraph of a compilation with the proposals on it.
type Entry struct {
	Paragraph int        `json:"paragraph"` // index in the revision
	Status    Status     `json:"status"`
	Proposals []Proposal `json:"proposals,omitempty"`
}

// Proposal is an amendment as a compilation shows it.
type Proposal struct {
	Amendment *Amendment `json:"amendment"`
	// Alt numbers the alternatives to a paragraph's text (replacements and
	// edits) from 1, in the order proposed; 0 for the others.
	Alt         int      `json:"alt,omitempty"`
	Decision    Decision `json:"decision"`
	Support     []string `json:"support,omitempty"` // parties, in the order they first took a stance
	Oppose      []string `json:"oppose,omitempty"`
	Reservation []string `json:"reservation,omitempty"`
	Statements  []string `json:"statements,omitempty"` // "MEX: …", in the same order
}

// Compile places amendments and positions on rev. Amendments must have
// been validated on rev (ValidateAmendment); a position on an amendment not
// given is refused. A new paragraph proposed for a part is shown on that
// part's last paragraph (the last of all when the part has none), and
// goes after it in the next revision. It costs O(paragraphs + amendments + positions).
func Compile(rev *Revision, amendments []Amendment, positions []Position, marks Marks) (*Compilation, error) {
	const op = "text.Compile"
	at := make(map[string]int, len(rev.Paragraphs))
	for i, p := range rev.Paragraphs {
		at[p.ID] = i
	}
	lastOf := map[Part]int{}
	for i, p := range rev.Paragraphs {
		if p.Part == Preamble || p.Part == Operative {
			lastOf[p.Part] = i
		}
	}
	c := &Compilation{Revision: rev, Entries: make([]Entry, len(rev.Paragraphs))}
	for i, p := range rev.Paragraphs {
		c.Entries[i] = Entry{Paragraph: i, Status: cmp.Or(marks.Paragraphs[p.ID], Open)}
	}
	alts := make([]int, len(rev.Paragraphs)) // alternatives so far, by paragraph
	proposal := make(map[string]*Proposal, len(amendments))
	where := make([][2]int, len(amendments)) // entry, index among its proposals
	for n := range amendments {
		a := &amendments[n]
		i, ok := at[a.Paragraph]
		if a.Kind == NewParagraph {
			if i, ok = lastOf[a.Part]; !ok {
				i, ok = len(rev.Paragraphs)-1, len(rev.Paragraphs) > 0
			}
		}
		if !ok {
			return nil, process.Errorf(op, process.Invalid, "amendment %s: paragraph %q is not in revision %d", a.ID, a.Paragraph, rev.Number)
		}
		if _, twice := proposal[a.ID]; twice {
			return nil, process.Errorf(op, process.Invalid, "amendment %s is given twice", a.ID)
		}
		e := &c.Entries[i]
		pr := Proposal{Amendment: a, Decision: marks.Amendments[a.ID]}
		if a.Kind == Replace || a.Kind == EditWords {
			alts[i]++
			pr.Alt = alts[i]
		}
		e.Proposals = append(e.Proposals, pr)
		where[n] = [2]int{i, len(e.Proposals) - 1}
		proposal[a.ID] = nil // placed; pointers are taken below, once the slices stop growing
	}
	for n := range amendments {
		proposal[amendments[n].ID] = &c.Entries[where[n][0]].Proposals[where[n][1]]
	}
	// The last position of a party on an amendment counts, in the place
	// of its first.
	type key struct{ party, amendment string }
	latest := make(map[key]int, len(positions))
	for n, p := range positions {
		if proposal[p.Amendment] == nil {
			return nil, process.Errorf(op, process.Invalid, "position %d: %s takes a stance on amendment %q, which is not in the compilation", n+1, p.Party, p.Amendment)
		}
		latest[key{p.Party, p.Amendment}] = n
	}
	counted := make(map[key]bool, len(latest))
	for _, p := range positions {
		k := key{p.Party, p.Amendment}
		if counted[k] {
			continue
		}
		counted[k] = true
		last := positions[latest[k]]
		pr := proposal[p.Amendment]
		switch last.Stance {
		case Support:
			pr.Support = append(pr.Support, p.Party)
		case Oppose:
			pr.Oppose = append(pr.Oppose, p.Party)
		default:
			pr.Reservation = append(pr.Reservation, p.Party)
		}
		if last.Statement != "" {
			pr.Statements = append(pr.Statements, p.Party+": "+last.Statement)
		}
	}
	return c, nil
}

// Text is the rolling text: each paragraph as in Markdown, its status when
// marked agreed, then every pending proposal on it bracketed and attributed,
// with the count of support and opposition; decided amendments are named
// with their outcome.
func (c *Compilation) Text() string {
	var b strings.Builder
	rev := c.Revision
	for n, e := range c.Entries {
		if n > 0 {
			b.WriteString("\n")
		}
		b.WriteString(rev.marker(e.Paragraph))
		if e.Status != Open {
			fmt.Fprintf(&b, "[%s] ", words(e.Status))
		}
		b.WriteString(rev.Paragraphs[e.Paragraph].Text)
		b.WriteString("\n")
		for _, p := range e.Proposals {
			b.WriteString(p.line())
		}
	}
	return b.String()
}

func (p *Proposal) line() string {
	a := p.Amendment
	var what string
	switch a.Kind {
	case Replace:
		what = "[" + a.Text + "]"
	case Delete:
		what = "[delete]"
	case InsertBefore:
		what = "[insert before: " + a.Text + "]"
	case InsertAfter:
		what = "[insert after: " + a.Text + "]"
	case NewParagraph:
		what = "[new " + string(a.Part) + " paragraph: " + a.Text + "]"
	case EditWords:
		edits := make([]string, len(a.Edits))
		for i, e := range a.Edits {
			edits[i] = "«" + e.Old + "» → «" + e.New + "»"
		}
		what = "[" + strings.Join(edits, "; ") + "]"
	}
	return "    " + p.alt() + what + p.attribution() + "\n"
}

// alt is "Alt n: " for an alternative.
func (p *Proposal) alt() string {
	if p.Alt == 0 {
		return ""
	}
	return fmt.Sprintf("Alt %d: ", p.Alt)
}

// attribution is who proposes it, the count of positions and the outcome:
// " — MEX, ARG (A1; support 3, oppose 1, reservations 0) — merged: note".
func (p *Proposal) attribution() string {
	a := p.Amendment
	s := fmt.Sprintf(" — %s (%s; support %d, oppose %d, reservations %d)",
		strings.Join(a.Proponents(), ", "), a.ID, len(p.Support), len(p.Oppose), len(p.Reservation))
	if p.Decision.Outcome != Pending {
		s += " — " + words(p.Decision.Outcome)
		if p.Decision.Note != "" {
			s += ": " + p.Decision.Note
		}
	}
	return s
}

// inserted is a new paragraph next to target: a sibling of a paragraph or
// subparagraph, an operative paragraph next to a heading, a preambular one
// after the title.
func inserted(target Paragraph, text string) Paragraph {
	switch target.Part {
	case Title:
		return Paragraph{Part: Preamble, Text: text}
	case Heading:
		return Paragraph{Part: Operative, Text: text}
	}
	return Paragraph{Part: target.Part, Level: target.Level, Text: text}
}

// Source says where a paragraph of the next revision came from.
type Source struct {
	ID     string   `json:"id"` // the paragraph's ID
	Change ChangeOp `json:"change"`
	// Amendments are the amendments that changed it, in the order given;
	// Contributions, sorted, are the contributions they cite.
	Amendments    []string `json:"amendments"`
	Contributions []string `json:"contributions,omitempty"`
}

// Next is the revision that follows the compilation: its amendments
// incorporated as proposed or merged in the co-facilitators' wording, the
// others left out, new paragraphs given IDs from the new revision's number
// and their position, everything renumbered. Sources list, in the new
// revision's order and then the removed ones, every paragraph changed,
// added or removed and the amendments it came from; a deleted paragraph's
// subparagraphs go with it. Two decisions that
// cannot both hold (two replacements of one paragraph, a deletion and an
// edit, an edit whose words are gone, merged amendments with different
// wordings) are a Conflict.
func (c *Compilation) Next() (*Revision, []Source, error) {
	const op = "text.Next"
	rev := c.Revision
	next := &Revision{Number: rev.Number + 1}
	sources := map[string]*Source{}
	var order []string
	note := func(id string, change ChangeOp, a *Amendment) {
		s := sources[id]
		if s == nil {
			s = &Source{ID: id, Change: change}
			sources[id] = s
			order = append(order, id)
		}
		s.Change = change
		s.Amendments = append(s.Amendments, a.ID)
		s.Contributions = append(s.Contributions, a.Cites...)
	}
	add := func(p Paragraph, a *Amendment) {
		p.ID = newID(next.Number, len(next.Paragraphs))
		next.Paragraphs = append(next.Paragraphs, p)
		note(p.ID, Added, a)
	}
	type addition struct {
		p Paragraph
		a *Amendment
	}
	var parentDeletedBy *Amendment // a deleted paragraph's subparagraphs go with it
	for _, e := range c.Entries {
		para := rev.Paragraphs[e.Paragraph]
		var before, after []addition
		var changedBy *Amendment
		deleted := false
		if para.Level == 0 {
			parentDeletedBy = nil
		} else if parentDeletedBy != nil {
			changedBy, deleted = parentDeletedBy, true
			note(para.ID, Removed, parentDeletedBy)
		}
		for _, p := range e.Proposals {
			a, d := p.Amendment, p.Decision
			if d.Outcome != Incorporated && d.Outcome != Merged {
				continue
			}
			if para.Level > 0 && parentDeletedBy != nil {
				return nil, nil, process.Errorf(op, process.Conflict, "%s goes with its paragraph, deleted by %s, yet %s is taken on it", rev.Label(e.Paragraph), parentDeletedBy.ID, a.ID)
			}
			text := a.Text
			if d.Outcome == Merged {
				text = d.Text
			}
			switch a.Kind {
			case InsertBefore:
				before = append(before, addition{inserted(para, text), a})
				continue
			case InsertAfter:
				after = append(after, addition{inserted(para, text), a})
				continue
			case NewParagraph:
				after = append(after, addition{Paragraph{Part: a.Part, Text: text}, a})
				continue
			}
			switch {
			case deleted:
				return nil, nil, process.Errorf(op, process.Conflict, "%s is deleted by %s and changed by %s", rev.Label(e.Paragraph), changedBy.ID, a.ID)
			case d.Outcome == Merged && changedBy != nil && para.Text == d.Text:
				// Merged into the same wording as an amendment before it.
			case changedBy != nil && (a.Kind != EditWords || d.Outcome == Merged):
				return nil, nil, process.Errorf(op, process.Conflict, "%s is changed by both %s and %s: merge them", rev.Label(e.Paragraph), changedBy.ID, a.ID)
			case a.Kind == Delete:
				deleted = true
			case d.Outcome == Merged || a.Kind == Replace:
				para.Text = text
			case a.Kind == EditWords:
				for i, ed := range a.Edits {
					if strings.Count(para.Text, ed.Old) != 1 {
						return nil, nil, process.Errorf(op, process.Conflict, "amendment %s, edit %d: %q is no longer once in %s", a.ID, i+1, ed.Old, rev.Label(e.Paragraph))
					}
					para.Text = strings.Replace(para.Text, ed.Old, ed.New, 1)
				}
			}
			changedBy = a
			note(para.ID, map[bool]ChangeOp{true: Removed, false: Edited}[deleted], a)
			if deleted && para.Level == 0 {
				parentDeletedBy = a
			}
		}
		for _, b := range before {
			add(b.p, b.a)
		}
		if !deleted {
			next.Paragraphs = append(next.Paragraphs, para)
		}
		for _, b := range after {
			add(b.p, b.a)
		}
	}
	next.Renumber()
	position := make(map[string]int, len(next.Paragraphs))
	for i, p := range next.Paragraphs {
		position[p.ID] = i
	}
	out := make([]Source, 0, len(order))
	for _, id := range order {
		s := sources[id]
		slices.Sort(s.Contributions)
		s.Contributions = slices.Compact(s.Contributions)
		out = append(out, *s)
	}
	// Removed paragraphs last, in the old order (a stable sort keeps it).
	slices.SortStableFunc(out, func(a, b Source) int {
		pa, oka := position[a.ID]
		pb, okb := position[b.ID]
		switch {
		case oka && okb:
			return pa - pb
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return next, out, nil
}
