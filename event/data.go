package event

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
)

// Fields are declared in their JSON keys' alphabetical order (bytewise, as
// encoding/json sorts a map's keys): see the package comment.

// Document is a stage's document as its record entries list it.
type Document struct {
	Kind        string `json:"kind"`
	Symbol      string `json:"symbol,omitempty"`
	Title       string `json:"title"`
	Unconfirmed bool   `json:"unconfirmed,omitempty"`
}

// Documents lists a stage's documents; nil for none.
func Documents(docs []process.Document) []Document {
	var out []Document
	for _, d := range docs {
		out = append(out, Document{Kind: d.Kind, Symbol: d.Symbol, Title: d.Title, Unconfirmed: d.Unconfirmed})
	}
	return out
}

// Clock is the process clock a process was created with.
type Clock struct {
	Origin time.Time `json:"origin"`
	Scale  float64   `json:"scale"`
}

// ProcessCreatedData is process.created's.
type ProcessCreatedData struct {
	Clock    Clock  `json:"clock"`
	Mandate  string `json:"mandate"`
	Stages   int    `json:"stages"`
	Template string `json:"template"`
	Title    string `json:"title"`
}

// StageStartedData is stage.started's.
type StageStartedData struct {
	Kind  string `json:"kind"`
	Phase string `json:"phase"`
	Title string `json:"title"`
}

// StageCompletedData is stage.completed's: the stage workflow's result
// (workflows.StageResult) as it encodes, which this package cannot name.
type StageCompletedData struct {
	Result json.RawMessage `json:"result"`
}

// StageFailedData is stage.failed's.
type StageFailedData struct {
	Error string `json:"error"`
}

// MilestoneData is milestone.reached's.
type MilestoneData struct {
	Documents []Document `json:"documents,omitempty"`
	// Input is who contributed the milestone apart from States and
	// stakeholders: un-system or gfmd (process.InputCategories).
	Input       string `json:"input,omitempty"`
	Place       string `json:"place,omitempty"`
	Title       string `json:"title"`
	Unconfirmed bool   `json:"unconfirmed,omitempty"`
}

// Appointment is what <role>.appointed records; it reads every shape
// written: an office's (OfficeAppointment), a template's
// (TemplateAppointment) and a process without steering's
// (StateAppointment).
type Appointment struct {
	By         string `json:"by,omitempty"`
	Date       string `json:"date,omitempty"` // YYYY-MM-DD
	Person     string `json:"person,omitempty"`
	Reason     string `json:"reason,omitempty"`
	Role       string `json:"role,omitempty"`
	Occurrence string `json:"seq"` // the State: one appointment of each
	Source     string `json:"source,omitempty"`
	Stage      string `json:"stage,omitempty"`
	State      string `json:"state"`
}

// OfficeAppointment is an appointment the office made.
type OfficeAppointment struct {
	By         string `json:"by"`
	Date       string `json:"date"`
	Person     string `json:"person"`
	Reason     string `json:"reason"`
	Role       string `json:"role"`
	Occurrence string `json:"seq"`
	Stage      string `json:"stage,omitempty"` // the stage a chair chairs, when named
	State      string `json:"state"`
}

// TemplateAppointment is an appointment the template names.
type TemplateAppointment struct {
	Date       string `json:"date"`
	Person     string `json:"person"`
	Role       string `json:"role"`
	Occurrence string `json:"seq"`
	Source     string `json:"source"`
	State      string `json:"state"`
}

// Chaired is who chaired a stage's meeting by office: the President of
// the General Assembly, of the session Session, on Date (YYYY-MM-DD), as
// Source names them.
type Chaired struct {
	Date    string `json:"date"`
	Office  string `json:"office"`
	Person  string `json:"person"`
	Session int    `json:"session"`
	Source  string `json:"source"`
}

// StateAppointment is a co-facilitator appointed in a process whose
// workflow predates steering.
type StateAppointment struct {
	Reason     string `json:"reason"`
	Occurrence string `json:"seq"`
	State      string `json:"state"`
}

// ModalityOverriddenData is modality.overridden's: who set which rule
// aside, for what act on which stage, what the act broke and why.
type ModalityOverriddenData struct {
	Act string `json:"act"` // schedule, publish, circulate, appoint
	Actor
	Breach string `json:"breach"` // what in the act breaks the rule
	Reason string `json:"reason"`
	Rule   string `json:"rule"`
	Source string `json:"source"` // the rule's, cited
	Stage  string `json:"stage"`
}

// OverrideKey is the record key of the override d for the act occurrence
// names (a schedule change, a list, a revision): recorded once for the
// act, by whichever records it.
func OverrideKey(d ModalityOverriddenData, occurrence string) string {
	return strings.Join([]string{string(ModalityOverridden), d.Stage, d.Act, d.Rule, occurrence}, "/")
}

// ScheduleChange is the data of every change to the schedule.
type ScheduleChange struct {
	By           string     `json:"by,omitempty"`
	Closes       *time.Time `json:"closes,omitempty"` // a rescheduled stage's window
	From         string     `json:"from,omitempty"`
	FromLast     string     `json:"fromLast,omitempty"`     // a rescheduled stage's last day before
	FromTimeZone string     `json:"fromTimeZone,omitempty"` // a venue's before
	Opens        *time.Time `json:"opens,omitempty"`
	Place        string     `json:"place,omitempty"` // a new venue
	Reason       string     `json:"reason"`
	// Sequence counts the process's schedule changes, this one included:
	// the calendar invitation's SEQUENCE.
	Sequence int    `json:"seq"`
	TimeZone string `json:"timeZone,omitempty"`
	To       string `json:"to,omitempty"`
	ToLast   string `json:"toLast,omitempty"`
}

// StageAnnouncedData is stage.announced's.
type StageAnnouncedData struct {
	Documents []Document `json:"documents"`
	End       time.Time  `json:"end"`
	Kind      string     `json:"kind"`
	Place     string     `json:"place"`
	Start     time.Time  `json:"start"`
	Theme     string     `json:"theme"`
	Title     string     `json:"title"`
}

// SessionData is session.opened's and session.held's.
type SessionData struct {
	Place string `json:"place"`
}

// SummaryData is summary.recorded's.
type SummaryData struct {
	Contributions int    `json:"contributions"`
	Digest        string `json:"digest"`
	Document      string `json:"document"`
	SHA256        string `json:"sha256"`
	Simulated     bool   `json:"simulated,omitempty"`
}

// MeetingData is a meeting's opening's.
type MeetingData struct {
	Documents []Document `json:"documents"`
	Place     string     `json:"place"`
	Title     string     `json:"title"`
}

// OutcomeData is a meeting's outcome's. Counts are present as the outcome
// has them, zero included: the pointers say which.
type OutcomeData struct {
	Absent    *int              `json:"absent,omitempty"`
	Abstain   *int              `json:"abstain,omitempty"`
	Adopted   bool              `json:"adopted"`
	AdoptedBy *int              `json:"adoptedBy,omitempty"`
	Document  string            `json:"document,omitempty"`
	Method    string            `json:"method"`
	Named     *int              `json:"named,omitempty"`
	No        *int              `json:"no,omitempty"`
	SHA256    string            `json:"sha256"`
	Votes     map[string]string `json:"votes,omitempty"`
	Yes       *int              `json:"yes,omitempty"`
}

// WindowOpenedData is window.opened's.
type WindowOpenedData struct {
	Closes   time.Time `json:"closes"`
	Code     string    `json:"code"`
	Opens    time.Time `json:"opens"`
	TimeZone string    `json:"timeZone"`
}

// Seal is window.closed's: what the window received.
type Seal struct {
	Count     int    `json:"count"`
	Digest    string `json:"digest"`
	Simulated bool   `json:"simulated,omitempty"`
}

// WindowMovedData is window.moved's.
type WindowMovedData struct {
	From   time.Time `json:"from"`
	Reason string    `json:"reason"`
	// Sequence counts the window's moves, this one included: the calendar
	// invitation's SEQUENCE.
	Sequence int       `json:"seq"`
	TimeZone string    `json:"timeZone"`
	To       time.Time `json:"to"`
}

// ReminderData is window.reminder's.
type ReminderData struct {
	Closes time.Time `json:"closes"`
	Days   int       `json:"days"`
	// Occurrence is "<days>-<moves>": a moved deadline reminds again.
	Occurrence string `json:"seq"`
	TimeZone   string `json:"timeZone"`
}

// AmendmentsClosedData is amendments.closed's.
type AmendmentsClosedData struct {
	Amendments int  `json:"amendments"`
	Revision   int  `json:"revision"`
	Simulated  bool `json:"simulated,omitempty"`
}

// DraftPublishedData is draft.published's.
type DraftPublishedData struct {
	Diff        *process.DiffStats `json:"diff,omitempty"`
	MoreSources int                `json:"moreSources,omitempty"`
	Revision    int                `json:"revision"`
	SHA256      string             `json:"sha256"`
	Simulated   bool               `json:"simulated,omitempty"`
	// Sources are the issued text's (text.Source) as they encode: the
	// text is its own domain.
	Sources    json.RawMessage `json:"sources,omitempty"`
	Symbol     string          `json:"symbol,omitempty"`
	TextSHA256 string          `json:"textSha256,omitempty"`
	Title      string          `json:"title"`
}

// SilencePlacedData is silence.placed's.
type SilencePlacedData struct {
	Deadline  time.Time  `json:"deadline"`
	Documents []Document `json:"documents"`
	TimeZone  string     `json:"timeZone"`
	Title     string     `json:"title"`
}

// SilenceBrokenData is silence.broken's.
type SilenceBrokenData struct {
	Deadline       time.Time `json:"deadline"`
	LetterSHA256   string    `json:"letterSha256"`
	ProposalSHA256 string    `json:"proposalSha256,omitempty"`
	State          string    `json:"state"`
	TimeZone       string    `json:"timeZone"`
}

// SilenceEndedData is silence.passed's and silence.ended's.
type SilenceEndedData struct {
	Deadline time.Time              `json:"deadline"`
	Outcome  process.SilenceOutcome `json:"outcome"`
	TimeZone string                 `json:"timeZone"`
}

// ListCirculatedData is list.circulated's.
type ListCirculatedData struct {
	Applications int `json:"applications"`
	// For is the accreditation list the batch List belongs to; entries
	// recorded before it was named are the preparatory list's (Of).
	For     process.AccreditationList `json:"for,omitempty"`
	List    string                    `json:"list"`
	Parties []string                  `json:"parties"`
	// Occurrence is the list: each is circulated once.
	Occurrence string    `json:"seq"`
	Simulated  bool      `json:"simulated,omitempty"`
	Until      time.Time `json:"until"`
}

// Of is the accreditation list circulated: For, or the preparatory list
// for an entry recorded before circulations named theirs.
func (d ListCirculatedData) Of() process.AccreditationList { return d.For.Or() }

// ListDecidedData is list.decided's.
type ListDecidedData struct {
	Approved   []string `json:"approved"`
	List       string   `json:"list"`
	Rejected   []string `json:"rejected"`
	Occurrence string   `json:"seq"` // the list
	Simulated  bool     `json:"simulated,omitempty"`
}

// ObjectionData is objection.recorded's.
type ObjectionData struct {
	List       string `json:"list"`
	Party      string `json:"party"`
	Occurrence string `json:"seq"` // "<party>/<state>"
	Simulated  bool   `json:"simulated,omitempty"`
	State      string `json:"state"`
}

// ECOSOCCheckData is ecosoc.checked's: an applicant's claim of ECOSOC
// consultative status as the list checked it.
type ECOSOCCheckData struct {
	Distance     int       `json:"distance,omitempty"` // edits between the normalised names
	Entry        string    `json:"entry,omitempty"`    // the list's organisation, matched or closest
	ListLoadedAt time.Time `json:"listLoadedAt,omitzero"`
	Name         string    `json:"name"` // as the applicant gave it
	Party        string    `json:"party"`
	Result       string    `json:"result"` // exact, near or none
	Occurrence   string    `json:"seq"`    // the party: one check per application
	Simulated    bool      `json:"simulated,omitempty"`
}

// ECOSOCReviewData is ecosoc.reviewed's: the office's review of a near
// match.
type ECOSOCReviewData struct {
	By         string `json:"by"`
	Entry      string `json:"entry"`
	Party      string `json:"party"`
	Result     string `json:"result"` // confirmed or refused
	Occurrence string `json:"seq"`    // the party: one review per application
}

// ReceiptData is contribution.received's.
type ReceiptData struct {
	SHA256      string    `json:"sha256"`
	SubmittedAt time.Time `json:"submittedAt"`
	Title       string    `json:"title"`
	Tracking    string    `json:"tracking"`
}

// EndpointDisabledData is endpoint.disabled's.
type EndpointDisabledData struct {
	Channel    string    `json:"channel"`
	DisabledAt time.Time `json:"disabledAt"`
	Endpoint   string    `json:"endpoint"`
	Reason     string    `json:"reason"`
}
