package wire

import (
	"time"

	"github.com/compact-un/compact/text"
)

// The negotiated text's formats besides JSON, by the name ?format= gives.
const (
	FormatAKN      = "akn"      // Akoma Ntoso 3.0 XML, application/akn+xml
	FormatMarkdown = "markdown" // a revision as text.Parse reads it
	FormatText     = "text"     // the compilation's rolling text
)

// TextParagraph is a paragraph of a revision, with Label naming it to
// people ("OP12 (b)", "PP3").
type TextParagraph struct {
	text.Paragraph
	Label string `json:"label"`
}

// TextRevision is the body of GET …/text/revisions/{revision}.
type TextRevision struct {
	ProcessID  string          `json:"processId"`
	Number     int             `json:"number"`
	Symbol     string          `json:"symbol,omitempty"`
	Language   string          `json:"language"`
	IssuedAt   time.Time       `json:"issuedAt,omitzero"` // zero: a draft that only those who serve the process read
	SHA256     string          `json:"sha256"`
	Paragraphs []TextParagraph `json:"paragraphs"`
	// Sources say where each paragraph changed since the revision before
	// came from.
	Sources []text.Source `json:"sources"`
}

// TextCompilation is the body of GET …/text/compilation: the revision
// with every proposal on it in place.
type TextCompilation struct {
	ProcessID string             `json:"processId"`
	Revision  int                `json:"revision"`
	Symbol    string             `json:"symbol,omitempty"`
	Language  string             `json:"language"`
	IssuedAt  time.Time          `json:"issuedAt,omitzero"`
	Entries   []CompilationEntry `json:"entries"`
}

// CompilationEntry is one paragraph of a compilation: its mark, and the
// proposals on it, alternatives numbered.
type CompilationEntry struct {
	Paragraph TextParagraph   `json:"paragraph"`
	Status    text.Status     `json:"status"`
	Note      string          `json:"note,omitempty"` // the co-facilitators' note on the mark
	Proposals []text.Proposal `json:"proposals"`
}

// TextAmendmentPage is the body of GET …/text/amendments: the amendments
// on one revision, in the order proposed.
type TextAmendmentPage struct {
	ProcessID  string          `json:"processId"`
	Revision   int             `json:"revision"`
	Offset     int             `json:"offset"`
	Amendments []TextAmendment `json:"amendments"`
	More       bool            `json:"more"` // another page follows
}

// ParagraphVersion is a paragraph as one revision has it, how it came to
// be so, and for an edit its words against the version before.
type ParagraphVersion struct {
	Revision      int            `json:"revision"`
	Paragraph     text.Paragraph `json:"paragraph"`
	Change        text.ChangeOp  `json:"change,omitempty"` // empty: kept as it was
	Amendments    []string       `json:"amendments,omitempty"`
	Contributions []string       `json:"contributions,omitempty"`
	Words         []text.Span    `json:"words,omitempty"`
}

// ParagraphHistory is the body of GET …/text/paragraphs/{paragraph}: the
// paragraph through every revision the caller may read, oldest first.
type ParagraphHistory struct {
	ProcessID string             `json:"processId"`
	Paragraph string             `json:"paragraph"`
	Versions  []ParagraphVersion `json:"versions"`
}

// Informed is the body of GET /v1/contributions/{tracking}/informed: the
// paragraph changes a contribution informed. Withheld, as a
// contribution's: the caller may not read it, nor what it informed.
type Informed struct {
	Tracking   string             `json:"tracking"`
	ProcessID  string             `json:"processId"`
	Withheld   bool               `json:"withheld,omitempty"`
	Paragraphs []ParagraphVersion `json:"paragraphs"`
}

// TextDiff is the body of GET …/text/diff: every paragraph of the two
// revisions, word by word where edited, moves marked.
type TextDiff struct {
	ProcessID string        `json:"processId"`
	From      int           `json:"from"`
	To        int           `json:"to"`
	Changes   []text.Change `json:"changes"`
}

// SearchPage is the body of GET …/search.
type SearchPage struct {
	ProcessID string      `json:"processId"`
	Query     string      `json:"query"`
	Offset    int         `json:"offset"`
	Hits      []SearchHit `json:"hits"`
	More      bool        `json:"more"`
}

// SearchHit is one thing a search found: a contribution, a paragraph of a
// revision or an amendment.
type SearchHit struct {
	Kind      string `json:"kind"` // contribution, paragraph or amendment
	Tracking  string `json:"tracking,omitempty"`
	Revision  int    `json:"revision"`
	Paragraph string `json:"paragraph,omitempty"`
	Amendment string `json:"amendment,omitempty"`
	// Label is a contribution's title, a paragraph's display number or an
	// amendment's sponsor.
	Label   string     `json:"label"`
	Snippet []Fragment `json:"snippet"`
}

// Fragment is a run of a snippet, matching the query or not.
type Fragment struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}
