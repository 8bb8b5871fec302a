package process

import (
	"cmp"
	"fmt"
	"time"
)

// Process is one running instance of a template.
type Process struct {
	ID         string    `json:"id"` // e.g. "gcm-2018"
	TemplateID string    `json:"templateId"`
	Title      string    `json:"title"`
	Code       string    `json:"code"` // tracking-number prefix, e.g. "GCM"
	Phase      string    `json:"phase"`
	Status     string    `json:"status"` // starting, running, completed, cancelled
	CreatedAt  time.Time `json:"createdAt"`
}

// ProcessStarting marks a process row written before its workflow starts;
// the workflow's first activity replaces it with "running".
const ProcessStarting = "starting"

// StageStatus is where a stage stands.
type StageStatus string

const (
	Scheduled StageStatus = "scheduled"
	Running   StageStatus = "running"
	Completed StageStatus = "completed"
	Cancelled StageStatus = "cancelled"
	Failed    StageStatus = "failed" // its workflow failed; the record says why
)

// Stage is the observers' view of one stage: its spec as currently scheduled
// and its status. Process time is the template's calendar; on a scaled clock
// it runs faster than the wall.
type Stage struct {
	ProcessID string      `json:"processId"`
	Phase     string      `json:"phase"`
	Seq       int         `json:"seq"` // order in the template
	Spec      StageSpec   `json:"spec"`
	Status    StageStatus `json:"status"`
	Moved     bool        `json:"moved"` // rescheduled at least once
}

// WindowState says whether a contribution window takes contributions.
type WindowState string

const (
	// WindowScheduled: the schedule as the Process workflow published it,
	// kept exact through every change. It takes submissions between its
	// times even before its stage's workflow has opened it, so that a
	// window opens on time when the workflows lag, as after a crash.
	WindowScheduled WindowState = "scheduled"
	// WindowPending: registered by a workflow that does not publish its
	// schedule (started before it did); it takes nothing until opened.
	WindowPending   WindowState = "pending"
	WindowOpen      WindowState = "open"
	WindowSealed    WindowState = "sealed"
	WindowCancelled WindowState = "cancelled" // with its stage: takes nothing
)

// ContributionWindow is the store's copy of a window as the workflow last
// published it. Times are wall-clock: the intake compares them with now.
type ContributionWindow struct {
	ProcessID string        `json:"processId"`
	StageID   string        `json:"stageId"`
	Code      string        `json:"code"` // tracking-number middle, e.g. "TS1"
	State     WindowState   `json:"state"`
	OpensAt   time.Time     `json:"opensAt"`
	ClosesAt  time.Time     `json:"closesAt"`
	Public    bool          `json:"public"` // contributions' text is published
	Purpose   WindowPurpose `json:"purpose"`
}

// TakesAt reports whether the window takes submissions at now: opened by
// its workflow or scheduled, and now within its times.
func (w ContributionWindow) TakesAt(now time.Time) bool {
	return (w.State == WindowOpen || w.State == WindowScheduled) && !now.Before(w.OpensAt) && now.Before(w.ClosesAt)
}

// RefusesContributions says why the window takes no contribution at now, or
// nil when it takes them: the intake's one answer, which the API also gives
// before a body's faults when the window is closed anyway.
func (w ContributionWindow) RefusesContributions(op string, now time.Time) error {
	switch {
	case w.Purpose != ForContributions:
		return Errorf(op, Conflict, "stage %s takes %s, not contributions", w.StageID, w.Purpose)
	case w.State == WindowCancelled:
		return Errorf(op, Conflict, "window %s was cancelled with its stage", w.Code)
	case w.State == WindowSealed || !now.Before(w.ClosesAt):
		return E(op, Conflict, &WindowClosed{Code: w.Code, ClosesAt: w.ClosesAt})
	case !w.TakesAt(now):
		return Errorf(op, Conflict, "window %s not open", w.Code)
	}
	return nil
}

// WindowClosed is the intake's refusal once a window's deadline has
// passed. The store knows no venue and names the deadline in UTC; the API
// sets Zone to the stage's venue zone, so that the refusal names the
// deadline as the stage's pages do.
type WindowClosed struct {
	Code     string
	ClosesAt time.Time
	Zone     *time.Location // nil: UTC
}

func (e *WindowClosed) Error() string {
	return fmt.Sprintf("window %s closed at %s", e.Code, FormatDeadline(e.ClosesAt, cmp.Or(e.Zone, time.UTC)))
}

// WindowPurpose says what a window takes: the intake accepts contributions
// only into a contributions window.
type WindowPurpose string

const (
	ForContributions WindowPurpose = "contributions" // a consultation's
	ForApplications  WindowPurpose = "applications"  // accreditation
	ForAmendments    WindowPurpose = "amendments"    // a draft's
)

// Seal is what a closed window received.
type Seal struct {
	Count  int    `json:"count"`
	Digest string `json:"digest"` // SHA-256 over the receipts' hashes in tracking order
}

// Submission is a contribution as submitted.
type Submission struct {
	ProcessID      string `json:"processId"`
	StageID        string `json:"stageId"`
	Party          string `json:"party"` // the submitting organisation or State
	Role           string `json:"role"`  // stakeholder or member-state
	IdempotencyKey string `json:"-"`
	Title          string `json:"title"`
	Body           string `json:"body"`
	Attachment     []byte `json:"-"`
	AttachmentType string `json:"attachmentType,omitempty"`
}

// Receipt acknowledges a durable contribution.
type Receipt struct {
	Tracking    string    `json:"tracking"` // e.g. GCM-TS1-000042
	SubmittedAt time.Time `json:"submittedAt"`
	SHA256      string    `json:"sha256"` // of the contribution's content
}

// Contribution is a stored contribution.
type Contribution struct {
	Submission
	Receipt
	Withdrawn bool `json:"withdrawn"`
	// AttachmentSize is the attachment's length in bytes, also where the
	// bytes themselves were not loaded (lists).
	AttachmentSize int `json:"attachmentSize,omitempty"`
}

// ApplicationState is where an accreditation application stands.
type ApplicationState string

const (
	Applied    ApplicationState = "applied"
	Review     ApplicationState = "review" // a claim of ECOSOC status the office checks
	Circulated ApplicationState = "circulated"
	Approved   ApplicationState = "approved"
	Rejected   ApplicationState = "rejected" // a State objected
)

// AccreditationList is which of a process's two lists of accredited
// stakeholders an application is for: the modalities of A/RES/71/280 keep
// one for the preparatory process and one for the conference.
type AccreditationList string

const (
	PreparatoryList AccreditationList = "preparatory"
	ConferenceList  AccreditationList = "conference"
)

// Valid reports whether l names a list; "" is not one (see Or).
func (l AccreditationList) Valid() bool { return l == PreparatoryList || l == ConferenceList }

// Or is l, or the preparatory list when l is unset, as in templates and
// requests written before there were two lists.
func (l AccreditationList) Or() AccreditationList {
	if l == "" {
		return PreparatoryList
	}
	return l
}

// Subject is what the record calls party's application on l: the party
// alone on the preparatory list, as before there were two.
func (l AccreditationList) Subject(party string) string {
	if l.Or() == PreparatoryList {
		return party
	}
	return string(l) + "/" + party
}

// Application is a stakeholder's request for accreditation.
type Application struct {
	ProcessID  string            `json:"processId"`
	For        AccreditationList `json:"for"`   // the list it is for; circulated on a batch of it, List
	Party      string            `json:"party"` // organisation
	Name       string            `json:"name"`
	Category   string            `json:"category"`              // civil-society, diaspora, migrant-organisation, private-sector, academia
	ECOSOC     bool              `json:"ecosoc"`                // claims consultative status: registers directly once verified
	Match      *ECOSOCMatch      `json:"ecosocMatch,omitempty"` // the claim checked against the list
	State      ApplicationState  `json:"state"`
	List       string            `json:"list,omitempty"` // the circulated list it was on
	AppliedAt  time.Time         `json:"appliedAt"`
	DecidedAt  time.Time         `json:"decidedAt,omitzero"`
	Objections []Objection       `json:"objections,omitempty"`
}

// Objection is a Member State's objection to an application.
type Objection struct {
	State  string `json:"state"` // ISO 3166 alpha-3 code
	Reason string `json:"reason,omitempty"`
}

// DocumentVersion is one stored, content-addressed document.
type DocumentVersion struct {
	ProcessID  string    `json:"processId"`
	StageID    string    `json:"stageId"`
	Name       string    `json:"name"` // stable name across revisions, e.g. "draft"
	Revision   int       `json:"revision"`
	Symbol     string    `json:"symbol,omitempty"`
	Title      string    `json:"title"`
	Kind       string    `json:"kind"`
	Paragraphs []string  `json:"paragraphs"`
	SHA256     string    `json:"sha256"`
	IssuedAt   time.Time `json:"issuedAt"` // process time
}

// Amendment is a Member State's proposal on one paragraph of a draft.
type Amendment struct {
	ProcessID string `json:"processId"`
	StageID   string `json:"stageId"`
	State     string `json:"state"`
	Revision  int    `json:"revision"`
	Paragraph int    `json:"paragraph"`
	Text      string `json:"text"`
}
