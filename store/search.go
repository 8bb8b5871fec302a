package store

import "context"

// Search finds contributions, paragraphs of every revision and amendments
// by their words.
type Search interface {
	// Search returns a page of what q's words find in a process that
	// q.Reader may read, best first among the 501 most recent matches
	// (the bound keeps a word found everywhere as fast to search as a rare
	// one). An empty query, or one with no word to
	// find, is Invalid; one over MaxQueryBytes is TooLarge. No query can
	// fail otherwise: its words are quoted, never read as SQL or as the
	// index's syntax.
	Search(ctx context.Context, q SearchQuery) (SearchPage, error)
}

// SearchQuery is a search in a process's texts. Text takes words, "quoted
// phrases", -excluded words and OR between two alternatives, as search
// engines do.
type SearchQuery struct {
	ProcessID string
	Text      string
	Reader    Reader
	Offset    int // hits to skip, at most MaxSearchOffset
	Limit     int // 0 means 20; at most 100
}

// Reader is who searches, for the store to leave out what they may not
// read: the text of a contribution whose window is not public or that
// was withdrawn, but for its submitter's; revisions not issued, and the
// amendments on them, but for those who serve the process.
type Reader struct {
	Role   string // as a contribution's: member-state or stakeholder; "" for anyone else
	Party  string
	Serves bool // the PGA's office, or a co-facilitator of the process
}

// Bounds on a search.
const (
	MaxQueryBytes   = 512
	MaxQueryTerms   = 16
	MaxSearchOffset = 400
	MaxSearchLimit  = 100
)

// What a hit is.
const (
	HitContribution = "contribution"
	HitParagraph    = "paragraph"
	HitAmendment    = "amendment"
)

// SearchPage is a page of hits; More says whether another page follows.
type SearchPage struct {
	Hits []SearchHit `json:"hits"`
	More bool        `json:"more"`
}

// SearchHit is one thing found.
type SearchHit struct {
	Kind      string `json:"kind"`               // HitContribution, HitParagraph or HitAmendment
	Tracking  string `json:"tracking,omitempty"` // a contribution's
	Revision  int    `json:"revision"`           // a paragraph's or an amendment's
	Paragraph string `json:"paragraph,omitempty"`
	Amendment string `json:"amendment,omitempty"`
	// Label is a contribution's title, a paragraph's display number or an
	// amendment's sponsor.
	Label   string     `json:"label"`
	Snippet []Fragment `json:"snippet"`
}

// Fragment is a run of a snippet's text, matching the query or not.
type Fragment struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}
