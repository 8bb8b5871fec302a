package text

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/compact-un/compact/process"
)

// Group is a group of States that negotiates with one voice, such as the
// Group of 77 and China or the European Union; it may sponsor amendments
// and take positions. Which groups a process knows and who their members
// are is the process's data.
type Group struct {
	ID      string   `json:"id"` // e.g. "G77"; not an ISO 3166 code
	Name    string   `json:"name"`
	Members []string `json:"members"` // Member States, ISO 3166-1 alpha-3
}

// Delegations are who may speak in a negotiation: the Member States and
// the groups declared for it.
type Delegations struct {
	groups map[string]Group
}

// NewDelegations declares groups. A group needs an ID that is not a Member
// State's code and at least one member, each a Member State, once.
func NewDelegations(groups ...Group) (*Delegations, error) {
	const op = "text.NewDelegations"
	d := &Delegations{groups: make(map[string]Group, len(groups))}
	for _, g := range groups {
		switch {
		case g.ID == "" || process.IsMemberState(g.ID):
			return nil, process.Errorf(op, process.Invalid, "group %q: a group's ID must be set and not a Member State's code", g.ID)
		case d.groups[g.ID].ID != "":
			return nil, process.Errorf(op, process.Invalid, "group %s is declared twice", g.ID)
		case len(g.Members) == 0:
			return nil, process.Errorf(op, process.Invalid, "group %s has no members", g.ID)
		}
		seen := make(map[string]bool, len(g.Members))
		for _, m := range g.Members {
			if !process.IsMemberState(m) || seen[m] {
				return nil, process.Errorf(op, process.Invalid, "group %s: member %q is not a Member State or is listed twice", g.ID, m)
			}
			seen[m] = true
		}
		d.groups[g.ID] = g
	}
	return d, nil
}

// Speaks reports whether party is a Member State or a declared group.
func (d *Delegations) Speaks(party string) bool {
	_, group := d.groups[party]
	return group || process.IsMemberState(party)
}

// AmendmentKind is what an amendment does.
type AmendmentKind string

const (
	Replace      AmendmentKind = "replace"       // the paragraph's text by Text
	InsertBefore AmendmentKind = "insert-before" // a new paragraph, Text, before the paragraph
	InsertAfter  AmendmentKind = "insert-after"  // a new paragraph, Text, after the paragraph
	Delete       AmendmentKind = "delete"        // the paragraph
	NewParagraph AmendmentKind = "new-paragraph" // Text at the end of Part
	EditWords    AmendmentKind = "edit"          // Edits inside the paragraph
)

// Edit replaces words inside a paragraph: Old, quoted as it stands and
// found there once, becomes New (nothing, to delete it).
type Edit struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// Amendment is a delegation's proposal on one revision of a draft.
type Amendment struct {
	ID         string        `json:"id"` // e.g. its tracking number
	Revision   int           `json:"revision"`
	Kind       AmendmentKind `json:"kind"`
	Paragraph  string        `json:"paragraph,omitempty"` // the ID of the paragraph it is on
	Part       Part          `json:"part,omitempty"`      // a new paragraph's part
	Text       string        `json:"text,omitempty"`
	Edits      []Edit        `json:"edits,omitempty"`
	Sponsor    string        `json:"sponsor"` // a Member State or a group
	CoSponsors []string      `json:"coSponsors,omitempty"`
	// Cites are the contributions the amendment draws on, by tracking
	// number, so that the text's changes can be traced to them.
	Cites []string `json:"cites,omitempty"`
}

// Proponents are the sponsor and then the co-sponsors.
func (a *Amendment) Proponents() []string {
	return append([]string{a.Sponsor}, a.CoSponsors...)
}

// Stance is a delegation's position on an amendment.
type Stance string

const (
	Support     Stance = "support"
	Oppose      Stance = "oppose"
	Reservation Stance = "reservation"
)

// Position is a delegation's stance on an amendment; a later position of
// the same delegation on the same amendment replaces the earlier.
type Position struct {
	Party     string `json:"party"` // a Member State or a group
	Amendment string `json:"amendment"`
	Stance    Stance `json:"stance"`
	Statement string `json:"statement,omitempty"`
}

// MaxStatementBytes caps a position's statement.
const MaxStatementBytes = 8 << 10

// ValidateAmendment checks a on rev, the revision it amends, and says
// precisely what is wrong: an Invalid, TooLarge or (on another revision)
// Conflict *process.Error.
func (d *Delegations) ValidateAmendment(rev *Revision, a *Amendment) error {
	const op = "text.ValidateAmendment"
	bad := func(format string, args ...any) error {
		return process.Errorf(op, process.Invalid, "amendment %s: "+format, append([]any{a.ID}, args...)...)
	}
	if a.ID == "" {
		return process.Errorf(op, process.Invalid, "an amendment needs an ID")
	}
	if a.Revision != rev.Number {
		return process.Errorf(op, process.Conflict, "amendment %s is on revision %d; the draft is at revision %d", a.ID, a.Revision, rev.Number)
	}
	if err := d.validateSponsors(a, bad); err != nil {
		return err
	}
	for _, c := range a.Cites {
		if c == "" {
			return bad("cites an empty contribution number")
		}
	}
	at := -1
	switch a.Kind {
	case NewParagraph:
		if a.Paragraph != "" {
			return bad("a new paragraph goes at the end of a part: name the part, not a paragraph (or insert before or after one)")
		}
		if a.Part != Preamble && a.Part != Operative {
			return bad("a new paragraph goes in the preamble or the operative part, not %q", a.Part)
		}
	case Replace, InsertBefore, InsertAfter, Delete, EditWords:
		if at = rev.Index(a.Paragraph); at < 0 || a.Paragraph == "" {
			return bad("paragraph %q is not in revision %d", a.Paragraph, rev.Number)
		}
		if rev.Paragraphs[at].Part == Title && (a.Kind == Delete || a.Kind == InsertBefore) {
			return bad("%s the title", map[AmendmentKind]string{Delete: "deletes", InsertBefore: "inserts before"}[a.Kind])
		}
	default:
		return bad("unknown kind %q: replace, insert-before, insert-after, delete, new-paragraph or edit", a.Kind)
	}
	needsText := a.Kind != Delete && a.Kind != EditWords
	switch {
	case needsText && strings.TrimSpace(a.Text) == "":
		return bad("a %s amendment needs its text", a.Kind)
	case !needsText && a.Text != "":
		return bad("a %s amendment has no text of its own", a.Kind)
	case a.Kind != EditWords && len(a.Edits) > 0:
		return bad("only an edit amendment has edits")
	case a.Kind == EditWords && len(a.Edits) == 0:
		return bad("an edit amendment needs at least one edit")
	case a.Kind == Replace && a.Text == rev.Paragraphs[at].Text:
		return bad("replaces %s with the same text", rev.Label(at))
	}
	if len(a.Text) > MaxParagraphBytes {
		return process.Errorf(op, process.TooLarge, "amendment %s: text of %d bytes: a paragraph has at most %d", a.ID, len(a.Text), MaxParagraphBytes)
	}
	if why := badText(a.Text); why != "" {
		return bad("text: %s", why)
	}
	for i, e := range a.Edits {
		if why := badText(e.Old + e.New); why != "" || len(e.New) > MaxParagraphBytes {
			return bad("edit %d: %s", i+1, cmp.Or(why, "too long"))
		}
		switch n := strings.Count(rev.Paragraphs[at].Text, e.Old); {
		case e.Old == "":
			return bad("edit %d: quote the words it changes", i+1)
		case e.Old == e.New:
			return bad("edit %d changes nothing", i+1)
		case n == 0:
			return bad("edit %d: %q is not in %s", i+1, e.Old, rev.Label(at))
		case n > 1:
			return bad("edit %d: %q is %d times in %s: quote more words", i+1, e.Old, n, rev.Label(at))
		}
	}
	return nil
}

func (d *Delegations) validateSponsors(a *Amendment, bad func(string, ...any) error) error {
	if !d.Speaks(a.Sponsor) {
		return bad("sponsor %q is neither a Member State nor a declared group", a.Sponsor)
	}
	seen := map[string]bool{a.Sponsor: true}
	for _, c := range a.CoSponsors {
		switch {
		case !d.Speaks(c):
			return bad("co-sponsor %q is neither a Member State nor a declared group", c)
		case seen[c]:
			return bad("%s is named twice among the sponsors", c)
		case slices.Contains(d.groups[a.Sponsor].Members, c):
			return bad("co-sponsor %s already sponsors it as a member of %s", c, a.Sponsor)
		}
		seen[c] = true
	}
	return nil
}

// badText says why no draft could hold s, or is empty: control characters
// and the two non-characters that XML cannot carry are refused.
func badText(s string) string {
	if !utf8.ValidString(s) {
		return "not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' || r == 0xFFFE || r == 0xFFFF {
			return fmt.Sprintf("character %U cannot be in a draft", r)
		}
	}
	return ""
}

// ValidatePosition checks a position's party, stance and statement; that
// its amendment exists is for whoever holds the amendments (Compile
// refuses positions on amendments it was not given).
func (d *Delegations) ValidatePosition(p *Position) error {
	const op = "text.ValidatePosition"
	switch {
	case !d.Speaks(p.Party):
		return process.Errorf(op, process.Invalid, "%q is neither a Member State nor a declared group", p.Party)
	case p.Amendment == "":
		return process.Errorf(op, process.Invalid, "a position names its amendment")
	case p.Stance != Support && p.Stance != Oppose && p.Stance != Reservation:
		return process.Errorf(op, process.Invalid, "stance %q: support, oppose or reservation", p.Stance)
	case len(p.Statement) > MaxStatementBytes:
		return process.Errorf(op, process.TooLarge, "statement of %d bytes: at most %d", len(p.Statement), MaxStatementBytes)
	}
	return nil
}
