package wire

import (
	"encoding/json"
	"time"

	"github.com/compact-un/compact/process"
)

// CreateProcessRequest starts a process from a built-in template or an
// inline one (POST /v1/processes).
type CreateProcessRequest struct {
	Template     string            `json:"template,omitempty"`
	TemplateBody *process.Template `json:"templateBody,omitempty"`
	ID           string            `json:"id,omitempty"`      // default: the template's ID
	Code         string            `json:"code,omitempty"`    // default: the template's code
	StartsOn     process.Date      `json:"startsOn,omitzero"` // shifts the template's calendar
	Scale        float64           `json:"scale,omitempty"`   // process seconds per wall second; default 1
	Simulation   *Simulation       `json:"simulation,omitempty"`
}

// Simulation has simulated parties act in a process as it runs.
type Simulation struct {
	Stakeholders           int `json:"stakeholders"`           // organisations that apply
	ObjectEvery            int `json:"objectEvery"`            // every n-th application draws an objection; 0: none
	ContributionsPerWindow int `json:"contributionsPerWindow"` // spread over the accredited and the States
	AmendmentsPerRound     int `json:"amendmentsPerRound"`
}

// ProcessStatus is a process as observers see it, from the read model.
type ProcessStatus struct {
	process.Process
	Current     []string                    `json:"current"` // running stages
	Next        *NextStage                  `json:"next,omitempty"`
	OpenWindows []OpenWindow                `json:"openWindows"`
	Counts      map[process.StageStatus]int `json:"counts"` // stages by status
	// Clock is the process's own, on GET /v1/processes/{id} alone: its
	// pages show process time.
	Clock *process.Clock `json:"clock,omitempty"`
}

// NextStage is the scheduled stage that begins first.
type NextStage struct {
	StageID string       `json:"stageId"`
	Title   string       `json:"title"`
	Start   process.Date `json:"start"`
}

// OpenWindow is a contribution window open now; its times are wall-clock.
type OpenWindow struct {
	StageID  string    `json:"stageId"`
	Code     string    `json:"code"`
	OpensAt  time.Time `json:"opensAt"`
	ClosesAt time.Time `json:"closesAt"`
	TimeZone string    `json:"timeZone"` // the venue's, IANA
}

// StageDetail is one stage with its contribution window as the intake
// knows it, when it has one.
type StageDetail struct {
	process.Stage
	Window *process.ContributionWindow `json:"window,omitempty"`
	// Silence is a silence stage's procedure as the record has it: its
	// deadline as now scheduled, and its outcome once it ended.
	Silence *process.SilenceResult `json:"silence,omitempty"`
	// Outcome is a conference's or an endorsement's outcome once recorded.
	Outcome *StageOutcome `json:"outcome,omitempty"`
}

// StageOutcome is a meeting's outcome as the record has it: how it was
// decided, the counts the record holds, and for a recorded vote the States
// it names by their votes (ISO 3166 alpha-3 codes, sorted).
type StageOutcome struct {
	Seq        int64     `json:"seq"` // the record's entry
	At         time.Time `json:"at"`  // process time
	Adopted    bool      `json:"adopted"`
	Method     string    `json:"method"` // consensus, acclamation, recorded-vote
	Document   string    `json:"document,omitempty"`
	AdoptedBy  *int      `json:"adoptedBy,omitempty"`
	Yes        *int      `json:"yes,omitempty"`
	No         *int      `json:"no,omitempty"`
	Abstain    *int      `json:"abstain,omitempty"`
	Absent     *int      `json:"absent,omitempty"`
	InFavour   []string  `json:"inFavour,omitempty"`
	Against    []string  `json:"against,omitempty"`
	Abstaining []string  `json:"abstaining,omitempty"`
	// NotVoting is named only when every State that voted is: the Member
	// States left, as many as the record counts absent.
	NotVoting []string `json:"notVoting,omitempty"`
}

// ScheduleChange is one change to the schedule as the record holds it.
type ScheduleChange struct {
	Seq        int64           `json:"seq"` // in the process's record
	Event      string          `json:"event"`
	StageID    string          `json:"stageId,omitempty"`
	At         time.Time       `json:"at"` // process time
	RecordedAt time.Time       `json:"recordedAt"`
	Data       json.RawMessage `json:"data"` // from, to, reason
}

// ChangeData is what a schedule change's data says.
type ChangeData struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
	State  string `json:"state"`  // the State whose representative was appointed
	Person string `json:"person"` // who, when the office or the template named them
	Date   string `json:"date"`   // an appointment's, YYYY-MM-DD: it takes effect that day
}

// Details reads the change's data; what it does not say is left empty.
func (c ScheduleChange) Details() ChangeData {
	var d ChangeData
	_ = json.Unmarshal(c.Data, &d) // a workflow wrote it: a field it lacks stays empty
	return d
}

// AddStageRequest adds a stage to a phase (POST …/stages).
type AddStageRequest struct {
	Phase  string            `json:"phase"`
	Stage  process.StageSpec `json:"stage"`
	Reason string            `json:"reason,omitempty"`
	// Override sets a rule of the modalities aside for this act, with a
	// reason the record keeps.
	Override *process.Override `json:"override,omitempty"`
	// DryRun checks the act and names its notes and clashes without
	// doing it: the schedule stays as it is.
	DryRun bool `json:"dryRun,omitempty"`
}

// RescheduleRequest moves a stage that has not started.
type RescheduleRequest struct {
	Start  process.Date `json:"start"`
	End    process.Date `json:"end,omitzero"`
	Reason string       `json:"reason,omitempty"`
	// Override sets a rule of the modalities aside for this act, with a
	// reason the record keeps.
	Override *process.Override `json:"override,omitempty"`
	// DryRun checks the act and names its notes and clashes without
	// doing it: the schedule stays as it is.
	DryRun bool `json:"dryRun,omitempty"`
}

// ReasonRequest is a body that gives only a reason, for the record: a
// cancellation, a circulation. It may be left out.
type ReasonRequest struct {
	Reason string `json:"reason,omitempty"`
}

// CirculateRequest circulates an accreditation list now, with a reason
// for the record; it may be left out.
type CirculateRequest struct {
	Reason string `json:"reason,omitempty"`
	// Override sets a rule of the modalities aside for this act, with a
	// reason the record keeps.
	Override *process.Override `json:"override,omitempty"`
}

// WindowRequest moves a window's opening or deadline, in process time, or
// opens or closes it now.
type WindowRequest struct {
	Opens  string `json:"opens,omitempty"`  // process time; a date alone: that day's start at the venue
	Open   bool   `json:"open,omitempty"`   // open now
	Closes string `json:"closes,omitempty"` // process time; a date alone: that day's end at the venue
	Close  bool   `json:"close,omitempty"`  // close now
	Reason string `json:"reason,omitempty"`
}

// WindowMove is a window's new close, and its opening when it had not
// opened, in process time, shown in the venue's time zone.
type WindowMove struct {
	StageID  string    `json:"stageId"`
	Opens    time.Time `json:"opens,omitzero"`
	Closes   time.Time `json:"closes"`
	TimeZone string    `json:"timeZone"` // the venue's, IANA
}

// RecordOutcomeRequest records a conference's adoption or the Assembly's
// vote. Votes map ISO codes to yes, no, abstain; States not named are absent.
type RecordOutcomeRequest struct {
	Method    string            `json:"method"`              // consensus, acclamation, recorded-vote
	AdoptedBy int               `json:"adoptedBy,omitempty"` // States adopting without a vote, where counted
	Votes     map[string]string `json:"votes,omitempty"`
	// Counts are a recorded vote's totals where the votes by State are not
	// all known: the States named in Votes must fit within them.
	Counts   *process.VoteCounts `json:"counts,omitempty"`
	Document string              `json:"document,omitempty"` // the outcome's symbol
}

// AppointRequest appoints a co-facilitator or a chair: a State's representative.
type AppointRequest struct {
	State  string       `json:"state"`            // ISO 3166 alpha-3
	Person string       `json:"person,omitempty"` // default: the State's Permanent Representative, unnamed
	Role   string       `json:"role,omitempty"`   // co-facilitator (default) or chair
	Date   process.Date `json:"date,omitzero"`    // default: today
	Reason string       `json:"reason,omitempty"`
	// Stage is the stage a chair chairs; empty: the process.
	Stage string `json:"stage,omitempty"`
	// Override sets a rule of the modalities aside for this act, with a
	// reason the record keeps.
	Override *process.Override `json:"override,omitempty"`
}

// CoFacilitators are the States whose representatives co-facilitate.
type CoFacilitators struct {
	CoFacilitators []string `json:"coFacilitators"`
}

// ScheduledStage is a stage as a scheduling change left it (add, reschedule,
// move, extend, venue), with the meetings of other processes it clashes
// with: a warning for the office, which may go on.
type ScheduledStage struct {
	process.Stage
	Clashes []process.Clash `json:"clashes,omitempty"`
	// Sequence are the steps the change takes out of their natural order
	// in the process: a warning too.
	Sequence []process.SequenceNote `json:"sequence,omitempty"`
	// DryRun says the change was checked, not made.
	DryRun bool `json:"dryRun,omitempty"`
}

// OfficeCalendar is every process's meetings over a span, in the order they
// begin (GET /v1/calendar).
type OfficeCalendar struct {
	From     time.Time        `json:"from"`
	To       time.Time        `json:"to"`
	Meetings []ScheduledStage `json:"meetings"`
}
