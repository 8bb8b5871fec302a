// Package text is the negotiated text as delegations work on it: a draft's
// revisions as paragraphs with identities that survive renumbering and
// edits, word-level diffs between revisions, amendments and positions, the
// co-facilitators' compilation and the next revision made from it, and
// Akoma Ntoso import and export. It is pure: no I/O, no clock, no
// randomness, so that workflows may call it and replay it.
//
// A revision is a flat list of paragraphs in reading order, each with a
// stable ID, a part, a level and a display number; that is the row a store
// keeps (paragraph ID, revision, display number, text). Structure such as
// subparagraphs and headed sections follows from the order and the levels.
package text

import (
	"fmt"
	"strconv"
	"strings"
)

// Part is the part of a draft a paragraph belongs to.
type Part string

const (
	Title     Part = "title"     // the document's title
	Preamble  Part = "preamble"  // preambular paragraphs, PP1, PP2…
	Operative Part = "operative" // operative paragraphs, 1, 2…, numbered through the whole text
	Heading   Part = "heading"   // a section heading, e.g. "Objective 1: Collect…"
)

// Paragraph is one paragraph of a revision.
type Paragraph struct {
	// ID is the paragraph's identity across revisions: kept when it is
	// renumbered, moved or edited. Empty until Identify assigns it.
	ID   string `json:"id,omitempty"`
	Part Part   `json:"part"`
	// Level is 0 for a paragraph and 1 for a lettered subparagraph of the
	// paragraph before it.
	Level int `json:"level,omitempty"`
	// Num is the display number in this revision ("PP3", "12", "(b)"), or a
	// heading's label ("Objective 1"). Renumber derives it from the order.
	Num  string `json:"num,omitempty"`
	Text string `json:"text"`
}

// Revision is one revision of a draft.
type Revision struct {
	Number     int         `json:"number"` // 0 for a zero draft
	Paragraphs []Paragraph `json:"paragraphs"`
}

// Limits on what is imported, so that no input costs more than a large real
// draft: the Global Compact for Migration has about 1,200 paragraphs and
// subparagraphs of under 2 kB each.
const (
	MaxParagraphs     = 10000
	MaxParagraphBytes = 64 << 10
	MaxRevisionBytes  = 4 << 20
)

// Index is the position of the paragraph with ID id, or -1.
func (r *Revision) Index(id string) int {
	for i, p := range r.Paragraphs {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// Renumber sets every paragraph's display number from its place: PP1, PP2…
// in the preamble, 1, 2… for operative paragraphs through the whole text,
// (a), (b)… for the subparagraphs of each paragraph. Headings keep their
// labels and the title has none.
func (r *Revision) Renumber() {
	pp, op, sub := 0, 0, 0
	for i := range r.Paragraphs {
		p := &r.Paragraphs[i]
		switch {
		case p.Part == Title:
			p.Num = ""
		case p.Part == Heading:
			sub = 0
		case p.Level > 0:
			sub++
			p.Num = "(" + letters(sub) + ")"
		case p.Part == Preamble:
			pp++
			sub = 0
			p.Num = "PP" + strconv.Itoa(pp)
		default:
			op++
			sub = 0
			p.Num = strconv.Itoa(op)
		}
	}
}

// letters is the n-th subparagraph letter, 1-based: a…z, then aa, bb…, as
// UN documents continue past (z).
func letters(n int) string {
	l := string(rune('a' + (n-1)%26))
	s := l
	for range (n - 1) / 26 {
		s += l
	}
	return s
}

// newID is the ID of a paragraph first seen in revision rev at position pos
// (0-based). It depends on nothing else, so that the same inputs always give
// the same IDs, in a workflow's replay too.
func newID(rev, pos int) string {
	return fmt.Sprintf("r%d-%d", rev, pos+1)
}

// Label is how a paragraph is named to people: "OP12", "PP3", "OP12 (b)",
// "Objective 1", "the title".
func (r *Revision) Label(i int) string {
	p := r.Paragraphs[i]
	switch {
	case p.Part == Title:
		return "the title"
	case p.Part == Heading:
		return p.Num
	case p.Level > 0:
		for j := i - 1; j >= 0; j-- {
			if r.Paragraphs[j].Level == 0 {
				return r.Label(j) + " " + p.Num
			}
		}
		return p.Num
	case p.Part == Operative:
		return "OP" + p.Num
	}
	return p.Num
}

// Markdown writes the revision in the form Parse reads, one paragraph to a
// line, so that Parse(r.Markdown()) gives r's paragraphs back.
func (r *Revision) Markdown() string {
	var b strings.Builder
	for i, p := range r.Paragraphs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(r.marker(i))
		b.WriteString(p.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// marker is what precedes paragraph i's text in Markdown.
func (r *Revision) marker(i int) string {
	p := r.Paragraphs[i]
	switch {
	case p.Part == Title:
		return "# "
	case p.Part == Heading && p.Num != "":
		return "## " + p.Num + ": "
	case p.Part == Heading:
		return "## "
	case p.Level > 0:
		return p.Num + " "
	}
	return p.Num + ". "
}
