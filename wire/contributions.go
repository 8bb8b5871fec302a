package wire

import (
	"time"

	"github.com/compact-un/compact/process"
)

// ContributionRequest is a contribution sent as JSON; sent as
// multipart/form-data it has the same fields and a file "attachment".
type ContributionRequest struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// Contribution is a contribution as a reader may see it: its text only
// when published or when the reader submitted it.
type Contribution struct {
	Tracking    string      `json:"tracking"`
	ProcessID   string      `json:"processId"`
	StageID     string      `json:"stageId"`
	Party       string      `json:"party"`
	Role        string      `json:"role"`
	Title       string      `json:"title"`
	Body        string      `json:"body,omitempty"`
	Attachment  *Attachment `json:"attachment,omitempty"`
	Withheld    bool        `json:"withheld,omitempty"` // body and attachment not published
	SubmittedAt time.Time   `json:"submittedAt"`
	SHA256      string      `json:"sha256"`
	Withdrawn   bool        `json:"withdrawn"`
}

// Attachment is a contribution's file, as a link to it.
type Attachment struct {
	Type string `json:"type"`
	Size int    `json:"size"`
	Href string `json:"href"`
}

// ContributionPage is a page of contributions; Next, when set, is the
// after= of the next page.
type ContributionPage struct {
	Contributions []Contribution `json:"contributions"`
	Next          string         `json:"next,omitempty"`
}

// ContributionFilter narrows GET …/contributions.
type ContributionFilter struct {
	StageID, Party, After string
	Limit                 int // 0: the API's default
}

// ExportRow is a contribution in the open data: every receipt, so that a
// window's seal can be recomputed, and the body where it is published.
type ExportRow struct {
	Tracking    string    `json:"tracking"`
	Stage       string    `json:"stage"`
	Party       string    `json:"party"`
	Role        string    `json:"role"`
	Title       string    `json:"title"`
	Body        *string   `json:"body"` // null where not published
	SubmittedAt time.Time `json:"submittedAt"`
	SHA256      string    `json:"sha256"`
	Withdrawn   bool      `json:"withdrawn"`
}

// AmendmentRequest proposes an amendment to a paragraph of a published
// revision.
type AmendmentRequest struct {
	Revision  int    `json:"revision"`
	Paragraph int    `json:"paragraph"` // from 1
	Text      string `json:"text"`
}

// AmendmentList is a draft stage's amendments.
type AmendmentList struct {
	Amendments []process.Amendment `json:"amendments"`
}
