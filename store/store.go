// Package store defines the record store: the bulk data of every process
// (contributions, documents, the record chain, the outbox and the observers'
// read model). Temporal owns the schedule; the store owns the data.
// Implementations live in store/sqlite and store/postgres.
package store

import (
	"context"
	"time"

	"github.com/compact-un/compact/process"
)

// Store is the whole record store. Every method is safe for concurrent use,
// every write is durable when it returns nil, and every failed write returns
// an error: nothing is dropped silently. Errors are *process.Error with a
// kind a caller can act on (NotFound, Conflict, Rule, Invalid; Internal or
// Unavailable for faults).
type Store interface {
	Processes
	Windows
	Contributions
	Accreditations
	Documents
	Record
	Outbox
	Tokens
	Sessions
	Texts
	Search
	Ping(ctx context.Context) error
	Close() error
}

// Processes is the observers' read model of processes and stages.
type Processes interface {
	// PutProcess creates or replaces a process row.
	PutProcess(ctx context.Context, p process.Process) error
	// ReserveProcess writes a new process's row with status
	// ProcessStarting, in one transaction that refuses (Conflict) an ID
	// whose row is past starting or a code another process holds: of two
	// creates with one ID racing, the later cannot undo the earlier's start.
	ReserveProcess(ctx context.Context, p process.Process) error
	GetProcess(ctx context.Context, id string) (process.Process, error)
	ListProcesses(ctx context.Context) ([]process.Process, error)
	// PutStages replaces the given stages' rows (by process and stage ID).
	PutStages(ctx context.Context, stages []process.Stage) error
	// ListStages returns a process's stages in their order.
	ListStages(ctx context.Context, processID string) ([]process.Stage, error)
	// AllStages returns every process's stages, by process and then in
	// their order: the office's calendar across processes, in one query.
	AllStages(ctx context.Context) ([]process.Stage, error)
}

// Windows publish contribution windows to the intake.
type Windows interface {
	// PutWindow creates or moves a window; it fails with Conflict once sealed.
	PutWindow(ctx context.Context, w process.ContributionWindow) error
	GetWindow(ctx context.Context, processID, stageID string) (process.ContributionWindow, error)
	// ListWindows returns a process's windows by stage ID; AllWindows
	// every process's, by process: the observers' status in one query,
	// not one a stage.
	ListWindows(ctx context.Context, processID string) ([]process.ContributionWindow, error)
	AllWindows(ctx context.Context) ([]process.ContributionWindow, error)
	// SealWindow closes a window for good and returns what it received.
	// Sealing a sealed window returns the same seal.
	SealWindow(ctx context.Context, processID, stageID string) (process.Seal, error)
}

// Contributions is the intake.
type Contributions interface {
	// Submit stores a contribution in one transaction that checks the window
	// takes submissions at now (ContributionWindow.TakesAt; Conflict
	// otherwise) and that the submitter may
	// contribute (Rule otherwise: member States always, stakeholders once
	// approved). The same (party, idempotency key) returns the first receipt.
	// In the same transaction it queues the receipt's notifications
	// (ReceiptNotice, Fanout) to the submitter's own subscriptions
	// ("role:party") that take ReceiptEvent: they are stored if and only if
	// the contribution is.
	Submit(ctx context.Context, s process.Submission, now time.Time) (process.Receipt, error)
	// GetContribution returns a contribution with its attachment.
	GetContribution(ctx context.Context, tracking string) (process.Contribution, error)
	// ListContributions pages through contributions in tracking order,
	// without their attachments' bytes (Contribution.AttachmentSize).
	ListContributions(ctx context.Context, f ContributionFilter) ([]process.Contribution, error)
	// Withdraw marks a party's own contribution withdrawn (NotFound for
	// another party's).
	Withdraw(ctx context.Context, tracking, party string) error
}

// ContributionFilter selects contributions; zero fields match all.
type ContributionFilter struct {
	ProcessID string
	StageID   string
	Party     string
	After     string // tracking number to page after
	Limit     int    // 0 means 100
}

// Accreditations keep stakeholders' applications and Member States'
// objections.
type Accreditations interface {
	// Apply records an application: approved at once when its claim of
	// ECOSOC status is verified (a.Match), in review when the list holds a
	// near match, applied otherwise. With act, the claim's check goes into
	// the process's record with it (ecosoc.checked, at act.At, process
	// time). Applying twice returns Conflict.
	Apply(ctx context.Context, a process.Application, act *Act) (process.Application, error)
	GetApplication(ctx context.Context, processID string, list process.AccreditationList, party string) (process.Application, error)
	ListApplications(ctx context.Context, processID string, list process.AccreditationList, state process.ApplicationState) ([]process.Application, error)
	// Circulate puts every application to one list ("": preparatory) still
	// "applied" on the named batch of it and returns them; circulating the
	// same batch again returns the same set. Lists and parties below take
	// "" for the preparatory list, as before there were two.
	Circulate(ctx context.Context, processID string, of process.AccreditationList, list string) ([]process.Application, error)
	// Object records a State's objection to an application on a list under
	// circulation (Conflict when it is not); objecting twice is a no-op.
	Object(ctx context.Context, processID string, list process.AccreditationList, party string, o process.Objection) error
	// Decide closes a list: applications with no objection are approved, the
	// rest rejected. Deciding a decided list returns the same outcome.
	Decide(ctx context.Context, processID, list string, at time.Time) ([]process.Application, error)
	// PutECOSOCList replaces the list of organisations in ECOSOC
	// consultative status, whole, in one transaction.
	PutECOSOCList(ctx context.Context, l process.ECOSOCList) error
	// ECOSOCList is the list loaded last (NotFound before any).
	ECOSOCList(ctx context.Context) (process.ECOSOCList, error)
	// ReviewECOSOCMatch records the office's review (act.By, at act.At) of
	// an application in review, in the process's record too
	// (ecosoc.reviewed): confirmed, it is approved; refused, it waits to be
	// circulated. Conflict for an application not in review.
	ReviewECOSOCMatch(ctx context.Context, processID string, list process.AccreditationList, party string, confirm bool, act Act) (process.Application, error)
}

// Documents are content-addressed document versions and amendments.
type Documents interface {
	// PutDocument stores a version; storing identical content under the same
	// name and revision again is a no-op, different content is Conflict.
	PutDocument(ctx context.Context, d process.DocumentVersion) (process.DocumentVersion, error)
	GetDocument(ctx context.Context, processID, name string, revision int) (process.DocumentVersion, error)
	ListDocuments(ctx context.Context, processID string) ([]process.DocumentVersion, error)
	AddAmendment(ctx context.Context, a process.Amendment) error
	ListAmendments(ctx context.Context, processID, stageID string) ([]process.Amendment, error)
}

// Record is each process's append-only, hash-chained stage record.
type Record interface {
	// Append chains an event after the process's last entry. Appending an
	// event whose key is already recorded returns the entry recorded then.
	Append(ctx context.Context, ev process.RecordEvent) (process.RecordEntry, error)
	// Entries returns a process's record from seq after+1 on, in order.
	Entries(ctx context.Context, processID string, after int64) ([]process.RecordEntry, error)
	// EntriesPage returns at most limit entries from seq after+1 on, in
	// order: a long record read a page at a time.
	EntriesPage(ctx context.Context, processID string, after int64, limit int) ([]process.RecordEntry, error)
	// EntriesOf returns a process's entries of the given events, in order:
	// what a view needs of a record that may hold tens of thousands of
	// positions and amendments.
	EntriesOf(ctx context.Context, processID string, events []string) ([]process.RecordEntry, error)
	// LastEntries returns at most n of a process's latest entries, in order.
	LastEntries(ctx context.Context, processID string, n int) ([]process.RecordEntry, error)
}

// Token is an API bearer token, stored by the SHA-256 of its secret: the
// secret itself is shown once, when the token is created or rotated, and
// kept nowhere.
type Token struct {
	ID        string    `json:"id"`   // public handle, for listing, rotating and revoking
	Hash      string    `json:"-"`    // hex SHA-256 of the current secret
	Role      string    `json:"role"` // pga-office, co-facilitator, member-state, stakeholder
	Party     string    `json:"party"`
	ProcessID string    `json:"processId,omitempty"` // the process a co-facilitator serves
	Label     string    `json:"label,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"` // no secret of the token is taken from then on
	RevokedAt time.Time `json:"revokedAt,omitzero"`
	RotatedAt time.Time `json:"rotatedAt,omitzero"` // when the current secret was issued, if not at creation
	// PreviousHash is the secret the last rotation replaced, taken until
	// PreviousUntil so that its holder can switch without downtime.
	PreviousHash  string    `json:"-"`
	PreviousUntil time.Time `json:"previousUntil,omitzero"`
}

// TokenFilter selects tokens; zero fields match all.
type TokenFilter struct {
	Role  string
	Party string
}

// TokenRotation is a token's new secret.
type TokenRotation struct {
	Hash       string    // the new secret's hash
	At         time.Time // when it was issued
	GraceUntil time.Time // the replaced secret is taken until then; not after At means not at all
	ExpiresAt  time.Time // the token's new expiry
}

// Tokens keep the API's bearer tokens.
type Tokens interface {
	// CreateToken stores a token; an ID or hash already present is Conflict,
	// a token without an expiry Invalid.
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash finds a token by its current or previous secret's hash,
	// revoked or expired or not: the caller compares the hash and the times.
	TokenByHash(ctx context.Context, hash string) (Token, error)
	GetToken(ctx context.Context, id string) (Token, error)
	// ListTokens lists the tokens f selects, oldest first.
	ListTokens(ctx context.Context, f TokenFilter) ([]Token, error)
	// RevokeToken revokes a token at the given time; revoking twice is a no-op.
	RevokeToken(ctx context.Context, id string, at time.Time) error
	// RotateToken gives a token a new secret and returns it rotated. The
	// secret it replaces becomes the previous one; a secret an earlier
	// rotation kept is dropped. A revoked token is Conflict.
	RotateToken(ctx context.Context, id string, r TokenRotation) (Token, error)
	// ForgetTokenSecrets drops the hashes of at most limit tokens' secrets
	// that stopped working before the given time: a token revoked or
	// expired then keeps its row, for the lists and the audit, with a hash
	// no secret has; a secret a rotation replaced is dropped once its grace
	// ended then. It returns how many tokens it changed.
	ForgetTokenSecrets(ctx context.Context, before time.Time, limit int) (int, error)
}

// Session is a web session: a sign-in with a token, kept in the store so
// that every API process refuses it from the moment it ends.
type Session struct {
	ID        string // random, sealed in the browser's cookie
	TokenID   string
	StartedAt time.Time
	SeenAt    time.Time // its last use, to end it when idle
	EndedAt   time.Time // signed out
}

// Sessions keep the web sessions.
type Sessions interface {
	// StartSession stores a new session; an ID already present is Conflict.
	StartSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, id string) (Session, error)
	// TouchSession records a use of a session that has not ended.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// EndSession ends a session; ending it twice keeps the first time.
	EndSession(ctx context.Context, id string, at time.Time) error
	// PurgeSessions deletes at most p.Limit sessions that no request can
	// use again, and returns how many it deleted.
	PurgeSessions(ctx context.Context, p SessionPurge) (int, error)
}

// SessionPurge says which sessions are over: those last seen before
// SeenBefore (idled out, or signed out at least that long ago) and those
// started before StartedBefore (past their lifetime).
type SessionPurge struct {
	SeenBefore    time.Time
	StartedBefore time.Time
	Limit         int
}
