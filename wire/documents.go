package wire

import (
	"time"

	"github.com/compact-un/compact/process"
)

// Document is a document version as the API shows it. The record is the
// source of truth for publication: a version is published iff an entry of
// its stage carries its SHA-256 (draft.published for drafts).
type Document struct {
	ProcessID      string    `json:"processId"`
	StageID        string    `json:"stageId"`
	Name           string    `json:"name"`
	Revision       int       `json:"revision"`
	Symbol         string    `json:"symbol,omitempty"`
	Title          string    `json:"title"`
	Kind           string    `json:"kind"`
	SHA256         string    `json:"sha256"`
	IssuedAt       time.Time `json:"issuedAt"`
	ParagraphCount int       `json:"paragraphCount"`
	Published      bool      `json:"published"`
	PublishedSeq   int64     `json:"publishedSeq,omitempty"` // the record entry that publishes it
	// Diff counts the changes from the previous revision, as recorded on
	// publication.
	Diff       *process.DiffStats `json:"diff,omitempty"`
	Paragraphs []string           `json:"paragraphs,omitempty"` // the full text only
}

// DocumentList is the body of GET …/documents.
type DocumentList struct {
	ProcessID string     `json:"processId"`
	Documents []Document `json:"documents"`
}

// DocumentDiff is the body of GET …/documents/{name}/diff.
type DocumentDiff struct {
	ProcessID string            `json:"processId"`
	Name      string            `json:"name"`
	From      DiffSide          `json:"from"`
	To        DiffSide          `json:"to"`
	Stats     process.DiffStats `json:"stats"`
	Ops       []process.DiffOp  `json:"ops"`
}

// DiffSide is one of the revisions a diff compares.
type DiffSide struct {
	Revision  int    `json:"revision"`
	SHA256    string `json:"sha256"`
	Published bool   `json:"published"`
}

// DraftRequest is the body of POST …/stages/{stage}/drafts. Revision is
// required so that a client states which revision it means to publish.
// The draft is one of: Paragraphs, lines as they are; Text, a negotiated
// text typed in Format; or FromCompilation, the previous revision's
// compilation made the next revision.
type DraftRequest struct {
	Revision   *int     `json:"revision"`
	Title      string   `json:"title,omitempty"`
	Symbol     string   `json:"symbol,omitempty"`
	Paragraphs []string `json:"paragraphs,omitempty"`
	Text       string   `json:"text,omitempty"`
	// Format is how Text is written: DraftPlain (the default) or
	// DraftMarkdown, read alike, or DraftAkomaNtoso.
	Format          string `json:"format,omitempty"`
	FromCompilation bool   `json:"fromCompilation,omitempty"`
	// Language is the one the text is negotiated in; default "en".
	Language string `json:"language,omitempty"`
	// Override sets a rule of the modalities aside for this act, with a
	// reason the record keeps.
	Override *process.Override `json:"override,omitempty"`
}

// The formats of a DraftRequest's Text.
const (
	DraftPlain      = "plain"
	DraftMarkdown   = "markdown"
	DraftAkomaNtoso = "akn"
)
