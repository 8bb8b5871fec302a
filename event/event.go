// Package event is the catalogue of the events a process records: each
// event's name as a constant and the shape of its data as a struct.
//
// The record stores an event's data as canonical JSON (Canonical), and its
// hashes cover those bytes. The workflows used to write the data as maps,
// whose keys encoding/json sorts; every struct here declares its fields in
// their JSON keys' alphabetical order, omits a field exactly when the map
// left the key out, and so encodes to the bytes the map did (event_test.go
// holds those bytes): the activities' inputs and the record's entries are
// what they were. A new field goes in its key's alphabetical place. The
// recording activity then stores the data Canonical, nested objects' keys
// sorted too, as it always has.
//
// Two meanings of the JSON key "seq" have distinct names here: Sequence, a
// count of the changes made so far, which is also an iCalendar SEQUENCE; and
// Occurrence, which only tells apart the occurrences of an event that a
// stage records more than once. Both make the event's idempotency key.
package event

import (
	"encoding/json"
	"fmt"
)

// Name names an event, e.g. "window.opened".
type Name string

// The process's course.
const (
	ProcessCreated         Name = "process.created"   // ProcessCreatedData
	ProcessCompleted       Name = "process.completed" // no data
	StageStarted           Name = "stage.started"     // StageStartedData
	StageCompleted         Name = "stage.completed"   // StageCompletedData
	StageFailed            Name = "stage.failed"      // StageFailedData
	MilestoneReached       Name = "milestone.reached" // MilestoneData
	CoFacilitatorAppointed Name = "co-facilitator.appointed"
	ChairAppointed         Name = "chair.appointed" // both Appointment
)

// ModalityOverridden: the office set a rule of the process's modalities
// aside for one act, with its reason (ModalityOverriddenData). The API
// records it once the act is done, once for the act.
const ModalityOverridden Name = "modality.overridden"

// The schedule's changes: all ScheduleChange.
const (
	StageRescheduled Name = "stage.rescheduled"
	StageAdded       Name = "stage.added"
	StageCancelled   Name = "stage.cancelled"
	VenueChanged     Name = "venue.changed"
	OpeningMoved     Name = "opening.moved"
	DeadlineMoved    Name = "deadline.moved"
)

// Sessions and meetings.
const (
	StageAnnounced  Name = "stage.announced"  // StageAnnouncedData
	SessionOpened   Name = "session.opened"   // SessionData
	SessionHeld     Name = "session.held"     // SessionData
	SummaryRecorded Name = "summary.recorded" // SummaryData
	// StageChaired: who chaired a meeting by office, as the template's
	// source names them (Chaired).
	StageChaired Name = "stage.chaired"

	// A conference's and an endorsement's meeting: Opened is MeetingData,
	// Closed has no data, Adopted and Rejected are OutcomeData.
	ConferenceOpened    Name = "conference.opened"
	ConferenceClosed    Name = "conference.closed"
	ConferenceAdopted   Name = "conference.adopted"
	ConferenceRejected  Name = "conference.rejected"
	EndorsementOpened   Name = "endorsement.opened"
	EndorsementClosed   Name = "endorsement.closed"
	EndorsementAdopted  Name = "endorsement.adopted"
	EndorsementRejected Name = "endorsement.rejected"
)

// Contribution and amendment windows.
const (
	WindowOpened     Name = "window.opened"     // WindowOpenedData
	WindowClosed     Name = "window.closed"     // Seal
	WindowMoved      Name = "window.moved"      // WindowMovedData
	WindowReminder   Name = "window.reminder"   // ReminderData
	AmendmentsClosed Name = "amendments.closed" // AmendmentsClosedData
)

// Drafts and silence procedures.
const (
	DraftPublished Name = "draft.published" // DraftPublishedData
	SilencePlaced  Name = "silence.placed"  // SilencePlacedData
	SilenceBroken  Name = "silence.broken"  // SilenceBrokenData
	SilencePassed  Name = "silence.passed"  // SilenceEndedData
	SilenceEnded   Name = "silence.ended"   // SilenceEndedData: ended in a simulation, outcome not in the sources
)

// Accreditation.
const (
	ListCirculated    Name = "list.circulated"    // ListCirculatedData
	ListDecided       Name = "list.decided"       // ListDecidedData
	ObjectionRecorded Name = "objection.recorded" // ObjectionData
	// The check of a claim of ECOSOC consultative status against the list
	// the office loaded, and the office's review of a near match: the
	// store records them with the application.
	ECOSOCChecked  Name = "ecosoc.checked"  // ECOSOCCheckData
	ECOSOCReviewed Name = "ecosoc.reviewed" // ECOSOCReviewData
)

// ECOSOCEvents are recorded by the store with the application, like the
// text's events (TextEvents): followed in the record, not sent as messages.
var ECOSOCEvents = []Name{ECOSOCChecked, ECOSOCReviewed}

// Events that are notified but not recorded by a workflow.
const (
	// ContributionReceived is the store's receipt (store.ReceiptEvent,
	// which writes ReceiptData as a map), sent to its submitter only.
	ContributionReceived Name = "contribution.received" // ReceiptData
	// EndpointDisabled tells an endpoint's owner it was disabled.
	EndpointDisabled Name = "endpoint.disabled" // EndpointDisabledData
)

// Meeting names the events of one kind of meeting that adopts or rejects.
type Meeting struct{ Opened, Closed, Adopted, Rejected Name }

// Conference and Endorsement are the meetings a process can adopt in.
var (
	Conference  = Meeting{ConferenceOpened, ConferenceClosed, ConferenceAdopted, ConferenceRejected}
	Endorsement = Meeting{EndorsementOpened, EndorsementClosed, EndorsementAdopted, EndorsementRejected}
)

// Appointed is the event of an appointment to role, e.g. "chair".
func Appointed(role string) Name { return Name(role + ".appointed") }

// catalogue gives each event a new value of its data's type; nil for an
// event without data.
var catalogue = map[Name]func() any{
	ProcessCreated:         func() any { return new(ProcessCreatedData) },
	ProcessCompleted:       nil,
	StageStarted:           func() any { return new(StageStartedData) },
	StageCompleted:         func() any { return new(StageCompletedData) },
	StageFailed:            func() any { return new(StageFailedData) },
	MilestoneReached:       func() any { return new(MilestoneData) },
	CoFacilitatorAppointed: func() any { return new(Appointment) },
	ChairAppointed:         func() any { return new(Appointment) },
	StageChaired:           func() any { return new(Chaired) },
	ModalityOverridden:     func() any { return new(ModalityOverriddenData) },
	StageRescheduled:       func() any { return new(ScheduleChange) },
	StageAdded:             func() any { return new(ScheduleChange) },
	StageCancelled:         func() any { return new(ScheduleChange) },
	VenueChanged:           func() any { return new(ScheduleChange) },
	OpeningMoved:           func() any { return new(ScheduleChange) },
	DeadlineMoved:          func() any { return new(ScheduleChange) },
	StageAnnounced:         func() any { return new(StageAnnouncedData) },
	SessionOpened:          func() any { return new(SessionData) },
	SessionHeld:            func() any { return new(SessionData) },
	SummaryRecorded:        func() any { return new(SummaryData) },
	ConferenceOpened:       func() any { return new(MeetingData) },
	ConferenceClosed:       nil,
	ConferenceAdopted:      func() any { return new(OutcomeData) },
	ConferenceRejected:     func() any { return new(OutcomeData) },
	EndorsementOpened:      func() any { return new(MeetingData) },
	EndorsementClosed:      nil,
	EndorsementAdopted:     func() any { return new(OutcomeData) },
	EndorsementRejected:    func() any { return new(OutcomeData) },
	WindowOpened:           func() any { return new(WindowOpenedData) },
	WindowClosed:           func() any { return new(Seal) },
	WindowMoved:            func() any { return new(WindowMovedData) },
	WindowReminder:         func() any { return new(ReminderData) },
	AmendmentsClosed:       func() any { return new(AmendmentsClosedData) },
	DraftPublished:         func() any { return new(DraftPublishedData) },
	SilencePlaced:          func() any { return new(SilencePlacedData) },
	SilenceBroken:          func() any { return new(SilenceBrokenData) },
	SilencePassed:          func() any { return new(SilenceEndedData) },
	SilenceEnded:           func() any { return new(SilenceEndedData) },
	ListCirculated:         func() any { return new(ListCirculatedData) },
	ListDecided:            func() any { return new(ListDecidedData) },
	ObjectionRecorded:      func() any { return new(ObjectionData) },
	ECOSOCChecked:          func() any { return new(ECOSOCCheckData) },
	ECOSOCReviewed:         func() any { return new(ECOSOCReviewData) },
	ContributionReceived:   func() any { return new(ReceiptData) },
	EndpointDisabled:       func() any { return new(EndpointDisabledData) },
	// The negotiated text's events (text.go).
	AmendmentProposed: func() any { return new(AmendmentProposedData) },
	CosponsorJoined:   func() any { return new(CosponsorData) },
	CosponsorWithdrew: func() any { return new(CosponsorData) },
	AmendmentDecided:  func() any { return new(AmendmentDecidedData) },
	PositionTaken:     func() any { return new(PositionTakenData) },
	ParagraphMarked:   func() any { return new(ParagraphMarkedData) },
}

// Names are the catalogue's events.
func Names() []Name {
	names := make([]Name, 0, len(catalogue))
	for n := range catalogue {
		names = append(names, n)
	}
	return names
}

// Strings are names as the store takes them.
func Strings(names ...Name) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(n)
	}
	return out
}

// Known reports whether the catalogue has the event.
func Known(name Name) bool {
	_, ok := catalogue[name]
	return ok
}

// Decode reads an event's recorded data into a pointer to its type, e.g.
// *WindowMovedData; nil for an event without data or outside the catalogue.
func Decode(name Name, data []byte) (any, error) {
	fresh := catalogue[name]
	if fresh == nil {
		return nil, nil
	}
	v := fresh()
	if len(data) == 0 {
		return v, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, fmt.Errorf("event %s: %w", name, err)
	}
	return v, nil
}

// DecodeAs reads data as an event's type T, whatever the event.
func DecodeAs[T any](data []byte) (T, error) {
	var v T
	if len(data) == 0 {
		return v, nil
	}
	return v, json.Unmarshal(data, &v)
}

// Encode is the canonical JSON of an event's data; nil for none.
func Encode(data any) (json.RawMessage, error) {
	if data == nil {
		return nil, nil
	}
	return json.Marshal(data)
}

// Canonical is data as the record stores it: decoded and encoded again, so
// that an object's keys sort at every depth (a nested struct's too) and a
// number reads as a float64 prints. The record has stored this form since
// its first entry, when the activity re-encoded the map it received.
func Canonical(data []byte) ([]byte, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// Occurrence is what tells apart the recordings of a repeated event: the
// data's "seq" (a Sequence or an Occurrence), as text, a number as the
// record's keys have always printed it (1e+06 for a million); false without
// one.
func Occurrence(data []byte) (string, bool) {
	var d struct {
		Seq any `json:"seq"`
	}
	if len(data) == 0 || json.Unmarshal(data, &d) != nil || d.Seq == nil {
		return "", false
	}
	return fmt.Sprint(d.Seq), true
}
