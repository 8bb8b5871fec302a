// Package workflows models an intergovernmental process as Temporal
// workflows. This file is the contract shared with the API and the worker:
// the task queues, workflow IDs, update and query names, inputs and results.
package workflows

import (
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// Compact's task queues, each with a worker of its own (package worker), so
// that slow work filling its worker never holds a deadline up.
const (
	// TaskQueue runs the workflows and their deadline-critical activities:
	// the record, the windows, the read model.
	TaskQueue = "compact"
	// SlowTaskQueue runs the slow activities: deliveries, digests, the
	// outbox's sweep and the simulated participants (slowWork routes them).
	SlowTaskQueue = "compact-slow"
)

// WorkflowTaskTimeout is how long a worker may hold a workflow task (Temporal
// defaults to 10 s): a task lost with a killed worker holds its workflow up
// this long. Replaying the largest history takes milliseconds.
const WorkflowTaskTimeout = 3 * time.Second

// Register registers every workflow on w: a worker, or a test environment.
func Register(w interface{ RegisterWorkflow(any) }) {
	w.RegisterWorkflow(Process)
	w.RegisterWorkflow(Milestone)
	w.RegisterWorkflow(Accreditation)
	w.RegisterWorkflow(Consultation)
	w.RegisterWorkflow(DraftingRound)
	w.RegisterWorkflow(Conference)
	w.RegisterWorkflow(Endorsement)
	w.RegisterWorkflow(Silence)
	w.RegisterWorkflow(Delivery)
	w.RegisterWorkflow(Notifications)
}

// ProcessWorkflowID is the ID of a process's parent workflow.
func ProcessWorkflowID(processID string) string { return "process/" + processID }

// StageWorkflowID is the ID of the child workflow that runs one stage.
func StageWorkflowID(processID, stageID string) string {
	return "process/" + processID + "/stage/" + stageID
}

// DeliveryWorkflowID is the ID of the workflow that delivers an event's
// notifications: one per event, however often its start is asked for.
func DeliveryWorkflowID(eventKey string) string { return "delivery/" + eventKey }

// NotificationsWorkflowID is the ID of the one Notifications workflow.
const NotificationsWorkflowID = "notifications"

// DeliveryInput names the event whose notifications a Delivery sends.
type DeliveryInput struct {
	EventKey string `json:"eventKey"`
}

// NotificationsInput sets the Notifications workflow's rhythm (zero is the
// default) and carries its place over continue-as-new.
type NotificationsInput struct {
	SweepEvery time.Duration `json:"sweepEvery,omitempty"` // 0: 10 minutes
	Day        time.Duration `json:"day,omitempty"`        // a digest day; 0: 24 hours, ending at 00:00 UTC
	LastDigest time.Time     `json:"lastDigest,omitzero"`  // the last day's end whose digests were sent
}

// Names of the Process workflow's updates and queries.
const (
	UpdateReschedule   = "reschedule"
	UpdateAddStage     = "add-stage"
	UpdateCancelStage  = "cancel-stage"
	UpdateMoveDeadline = "move-deadline"
	UpdateAppoint      = "appoint"
	UpdateMoveStage    = "move-stage"   // postpone or advance a stage that has not ended
	UpdateExtendStage  = "extend-stage" // lengthen, shorten or end now a stage that has not ended
	UpdateSetVenue     = "set-venue"    // a stage's place and time zone
	QueryStatus        = "status"
	QueryTemplate      = "template" // the template the process runs, which never changes
)

// SignalStageMoved tells a running stage's workflow that the office moved
// its stage (a StageMove); the Process sends it.
const SignalStageMoved = "stage-moved"

// Names of the stage workflows' updates.
const (
	UpdateCirculate       = "circulate"        // Accreditation: circulate the list now
	UpdateObject          = "object"           // Accreditation: a State objects
	UpdateSetDeadline     = "set-deadline"     // Consultation, DraftingRound: extend or close a window
	UpdatePublishRevision = "publish-revision" // DraftingRound: co-facilitators publish
	UpdateRecordOutcome   = "record-outcome"   // Conference, Endorsement: the result
	UpdateBreakSilence    = "break-silence"    // Silence: a Member State's letter
	QueryDraft            = "draft"            // DraftingRound: what it publishes (a DraftStatus)
)

// ProcessInput starts a process from a template.
type ProcessInput struct {
	ProcessID string           `json:"processId"`
	Template  process.Template `json:"template"`
	// Clock: a zero Start is the workflow's start; a zero Origin is the
	// wall time then (real time), or, with Scale > 1, the day before the
	// first stage so that history replays from the beginning.
	Clock process.Clock `json:"clock"`
	// Simulation plays the participants, for replays of a template's
	// history; nil in real use.
	Simulation *Simulation `json:"simulation,omitempty"`
	// Carried over continue-as-new.
	State *ProcessState `json:"state,omitempty"`
}

// Simulation plays the participants of a process, so that a template's
// history replays whole: stakeholders apply and contribute, States object
// and amend, and drafts and votes follow the template's facts.
type Simulation struct {
	Stakeholders           int `json:"stakeholders"`           // organisations that apply
	ObjectEvery            int `json:"objectEvery"`            // every n-th application draws an objection; 0: none
	ContributionsPerWindow int `json:"contributionsPerWindow"` // spread over the accredited and the States
	AmendmentsPerRound     int `json:"amendmentsPerRound"`
}

// StageState is one stage as the Process workflow tracks it.
type StageState struct {
	Phase  string              `json:"phase"`
	Seq    int                 `json:"seq"`
	Spec   process.StageSpec   `json:"spec"`
	Status process.StageStatus `json:"status"`
	Moved  bool                `json:"moved,omitempty"`
	Result *StageResult        `json:"result,omitempty"`
}

// ScheduleChange is one change the PGA's office made to the schedule.
type ScheduleChange struct {
	At      time.Time `json:"at"` // process time
	Kind    string    `json:"kind"`
	StageID string    `json:"stageId"`
	Reason  string    `json:"reason,omitempty"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to,omitempty"`
	By      string    `json:"by,omitempty"` // who in the office
}

// ProcessState is the Process workflow's state, carried across
// continue-as-new.
type ProcessState struct {
	Clock          process.Clock    `json:"clock"`
	Stages         []StageState     `json:"stages"`
	Changes        []ScheduleChange `json:"changes,omitempty"`
	CoFacilitators []string         `json:"coFacilitators,omitempty"` // ISO codes of their States
	// Appointments are the co-facilitators and chairs with their names:
	// the template's, then the office's.
	Appointments []process.Appointment `json:"appointments,omitempty"`
	// AppointmentsDue are the template's appointments not yet recorded, in
	// date order (datedAppointments).
	AppointmentsDue []process.Appointment `json:"appointmentsDue,omitempty"`
	// LockstepAt is the process time a simulation in lockstep had reached.
	LockstepAt time.Time `json:"lockstepAt,omitzero"`
}

// ProcessStatus answers QueryStatus.
type ProcessStatus struct {
	ProcessID string    `json:"processId"`
	Title     string    `json:"title"`
	Now       time.Time `json:"now"` // process time
	// Clock maps the process's time to the wall's; it never changes.
	Clock   process.Clock    `json:"clock"`
	Phase   string           `json:"phase"`
	Done    bool             `json:"done"`
	Current []string         `json:"current"` // running stages
	Next    string           `json:"next,omitempty"`
	Stages  []StageState     `json:"stages"`
	Changes []ScheduleChange `json:"changes,omitempty"`
	// CoFacilitators are the States whose Permanent Representatives the
	// PGA appointed.
	CoFacilitators []string              `json:"coFacilitators"`
	Appointments   []process.Appointment `json:"appointments"`
}

// ProcessResult is what a finished process returns.
type ProcessResult struct {
	ProcessID string                  `json:"processId"`
	Stages    map[string]*StageResult `json:"stages"`
	Outcome   *process.Outcome        `json:"outcome,omitempty"` // of the last adoption or endorsement
}

// RescheduleRequest moves a stage that has not started.
type RescheduleRequest struct {
	StageID string       `json:"stageId"`
	Start   process.Date `json:"start"`
	End     process.Date `json:"end,omitzero"`
	Reason  string       `json:"reason,omitempty"`
	By      string       `json:"by,omitempty"`
	// SetAside is the rule of the modalities the office set aside for the
	// change, recorded with it (overrideInAct).
	SetAside *event.ModalityOverriddenData `json:"setAside,omitempty"`
}

// AddStageRequest adds a stage to a phase.
type AddStageRequest struct {
	Phase  string            `json:"phase"`
	Stage  process.StageSpec `json:"stage"`
	Reason string            `json:"reason,omitempty"`
	By     string            `json:"by,omitempty"`
	// SetAside is the rule of the modalities the office set aside for the
	// change, recorded with it (overrideInAct).
	SetAside *event.ModalityOverriddenData `json:"setAside,omitempty"`
}

// CancelStageRequest cancels a stage that has not started; processes that
// steer require the reason.
type CancelStageRequest struct {
	StageID string `json:"stageId"`
	Reason  string `json:"reason,omitempty"`
	By      string `json:"by,omitempty"`
}

// MoveDeadlineRequest moves the opening or the close of a stage's window
// before it opens, or opens it now; a zero time leaves it as it is. An open
// window is moved with its stage's UpdateSetDeadline, except a running
// accreditation stage's: the Process moves it, opens it now or closes it
// now, and tells the stage's workflow.
type MoveDeadlineRequest struct {
	StageID string       `json:"stageId"`
	Opens   process.Date `json:"opens,omitzero"`
	Open    bool         `json:"open,omitempty"` // open it now: a scheduled stage starts at once
	Closes  process.Date `json:"closes,omitzero"`
	Close   bool         `json:"close,omitempty"` // close it now: a running accreditation window
	Reason  string       `json:"reason,omitempty"`
	By      string       `json:"by,omitempty"`
}

// AppointRequest appoints a State's Permanent Representative co-facilitator,
// or, with a person, role and date, a named co-facilitator or chair.
type AppointRequest struct {
	State  string       `json:"state"`            // ISO 3166 alpha-3
	Person string       `json:"person,omitempty"` // default: the State's Permanent Representative, unnamed
	Role   string       `json:"role,omitempty"`   // co-facilitator (default) or chair
	Stage  string       `json:"stage,omitempty"`  // the stage a chair chairs, when named
	Date   process.Date `json:"date,omitzero"`    // default: today
	Reason string       `json:"reason,omitempty"`
	By     string       `json:"by,omitempty"`
	// SetAside is the rule of the modalities the office set aside for the
	// appointment, recorded with it (overrideInAct).
	SetAside *event.ModalityOverriddenData `json:"setAside,omitempty"`
}

// MoveStageRequest postpones or advances a stage that has not ended. An
// open window keeps what it received and its opening; its deadline moves
// with the stage. A session that has begun keeps its start.
type MoveStageRequest struct {
	StageID string       `json:"stageId"`
	Start   process.Date `json:"start"`
	End     process.Date `json:"end,omitzero"` // default: as long as before
	Reason  string       `json:"reason"`
	By      string       `json:"by,omitempty"`
	// SetAside is the rule of the modalities the office set aside for the
	// change, recorded with it (overrideInAct).
	SetAside *event.ModalityOverriddenData `json:"setAside,omitempty"`
}

// ExtendStageRequest lengthens a stage that has not ended by days (shortens
// it when negative), or ends it now.
type ExtendStageRequest struct {
	StageID string `json:"stageId"`
	Days    int    `json:"days,omitempty"`
	EndNow  bool   `json:"endNow,omitempty"`
	Reason  string `json:"reason"`
	By      string `json:"by,omitempty"`
	// SetAside is the rule of the modalities the office set aside for the
	// change, recorded with it (overrideInAct).
	SetAside *event.ModalityOverriddenData `json:"setAside,omitempty"`
}

// SetVenueRequest moves a stage that has not ended to another place and
// time zone (an IANA name: dates given alone are that zone's days).
type SetVenueRequest struct {
	StageID  string `json:"stageId"`
	Place    string `json:"place"`
	TimeZone string `json:"timeZone"`
	Reason   string `json:"reason"`
	By       string `json:"by,omitempty"`
}

// StageMove is what the Process tells a running stage's workflow: its new
// dates and venue, and how far its window moves (the deadline if it has not
// passed, the opening if it has not come).
type StageMove struct {
	Spec  process.StageSpec `json:"spec"`
	Shift time.Duration     `json:"shift"`
}

// StageInput starts a stage workflow.
type StageInput struct {
	ProcessID   string              `json:"processId"`
	ProcessCode string              `json:"processCode"`
	Phase       string              `json:"phase"`
	Seq         int                 `json:"seq"`
	Stage       process.StageSpec   `json:"stage"`
	Clock       process.Clock       `json:"clock"`
	Rules       process.Rules       `json:"rules"`
	Simulation  *Simulation         `json:"simulation,omitempty"`
	Drafting    *DraftingContext    `json:"drafting,omitempty"`
	Carry       *AccreditationCarry `json:"carry,omitempty"`
	// Lockstep: the stage waits for process time from the Process, not the
	// wall (lockstep.go); a simulation's.
	Lockstep bool `json:"lockstep,omitempty"`
	// Scheduled: the Process published the stage's window to the intake
	// as scheduled; the stage keeps it so when it moves the deadline
	// before opening it.
	Scheduled bool `json:"scheduled,omitempty"`
	// Chair is who chaired the meeting by office as the template's source
	// names them, for the meeting on the template's day.
	Chair *Chair `json:"chair,omitempty"`
}

// Chair is a template's chair of one meeting and the day the source says
// it met.
type Chair struct {
	process.Presiding
	Day process.Date `json:"day"`
}

// DraftingContext places a draft stage among the revisions.
type DraftingContext struct {
	Revision   int       `json:"revision"`           // 0 for the zero draft
	AmendUntil time.Time `json:"amendUntil"`         // process time: when the next revision is due
	Final      bool      `json:"final"`              // the agreed text: no amendments follow
	Previous   string    `json:"previous,omitempty"` // the previous revision's stage
}

// StageResult is what a stage workflow returns.
type StageResult struct {
	Stage         string                 `json:"stage"`
	Contributions int                    `json:"contributions,omitempty"`
	Digest        string                 `json:"digest,omitempty"`
	Approved      int                    `json:"approved,omitempty"`
	Rejected      int                    `json:"rejected,omitempty"`
	Amendments    int                    `json:"amendments,omitempty"`
	Revision      int                    `json:"revision,omitempty"`
	DocumentHash  string                 `json:"documentHash,omitempty"`
	Outcome       *process.Outcome       `json:"outcome,omitempty"`
	Silence       *process.SilenceResult `json:"silence,omitempty"` // how a silence procedure ended
	// EndedAt is the process time of the stage's last event as scheduled:
	// on a scaled clock the wall's delays would blur it.
	EndedAt time.Time `json:"endedAt,omitzero"`
}

// SetDeadlineRequest extends or closes an open window: Closes in process
// time; a zero Closes closes it now.
type SetDeadlineRequest struct {
	Closes time.Time `json:"closes,omitzero"`
	Reason string    `json:"reason,omitempty"`
}

// ObjectRequest is a Member State's objection to an application under
// circulation.
type ObjectRequest struct {
	Party  string `json:"party"` // the applicant
	State  string `json:"state"` // ISO 3166 alpha-3
	Reason string `json:"reason,omitempty"`
}

// CirculateRequest asks for the pending applications to be circulated now.
type CirculateRequest struct {
	Reason string `json:"reason,omitempty"`
	// SetAside is the rule of the modalities the office set aside for the
	// circulation, recorded with it (overrideInAct).
	SetAside *event.ModalityOverriddenData `json:"setAside,omitempty"`
}

// CirculateResult says what list was circulated and until when.
type CirculateResult struct {
	List         string    `json:"list"`
	Applications int       `json:"applications"`
	Until        time.Time `json:"until"` // process time the non-objection period ends
}

// BreakSilenceRequest is a Member State's letter breaking a silence, with
// the text it proposes instead, if any.
type BreakSilenceRequest struct {
	State    string `json:"state"` // ISO 3166 alpha-3
	Letter   string `json:"letter"`
	Proposal string `json:"proposal,omitempty"`
}

// PublishRevisionRequest publishes a revision the co-facilitators stored
// first with the store's PutDocument: the update carries its reference, not
// its text.
type PublishRevisionRequest struct {
	Revision int    `json:"revision"`
	SHA256   string `json:"sha256"`
	// SetAside is the rule of the modalities the office set aside for the
	// publication, recorded with it (overrideInAct).
	SetAside *event.ModalityOverriddenData `json:"setAside,omitempty"`
}

// DraftStatus answers QueryDraft: the revision a drafting stage publishes,
// asked before its text is stored, since the store keeps one text per
// revision and a text stored under the wrong one would block the right one.
type DraftStatus struct {
	// Document is the revision as the stage publishes it: its name,
	// number, kind, title and symbol, without its text.
	Document  process.DocumentVersion `json:"document"`
	Simulated bool                    `json:"simulated,omitempty"` // a simulation publishes its own drafts
	Published bool                    `json:"published,omitempty"`
}

// RecordOutcomeRequest records a conference's adoption or the Assembly's
// vote. Votes map ISO codes to yes, no, abstain; without Counts, States not
// named are absent. With Counts, the vote is known by its totals and Votes
// names only the States the sources name.
type RecordOutcomeRequest struct {
	Method    string              `json:"method"`              // consensus, acclamation, recorded-vote
	AdoptedBy int                 `json:"adoptedBy,omitempty"` // States adopting without a vote, where counted
	Votes     map[string]string   `json:"votes,omitempty"`
	Counts    *process.VoteCounts `json:"counts,omitempty"`
	Document  string              `json:"document,omitempty"` // the outcome's symbol
}
