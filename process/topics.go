package process

import "slices"

// Topics are what a participant can subscribe to: each names the stage
// events it takes. An event not named here belongs to no topic and reaches
// only subscribers of everything.
var Topics = map[string][]string{
	"phases": {"process.created", "process.completed", "stage.started", "stage.completed", "stage.failed",
		"stage.added", "milestone.reached", "co-facilitator.appointed", "chair.appointed"},
	"sessions": {"stage.announced", "stage.rescheduled", "stage.cancelled", "venue.changed", "session.opened", "session.held",
		"summary.recorded", "stage.chaired", "conference.opened", "conference.closed", "conference.adopted", "conference.rejected",
		"endorsement.opened", "endorsement.closed", "endorsement.adopted", "endorsement.rejected"},
	"windows": {"window.opened", "window.closed", "window.moved", "window.reminder", "opening.moved",
		"deadline.moved", "amendments.closed"},
	"drafts":        {"draft.published", "silence.placed", "silence.broken", "silence.passed", "silence.ended"},
	"accreditation": {"list.circulated", "list.decided", "objection.recorded"},
	// Receipts reach only the party whose contribution it is.
	"receipts": {"contribution.received"},
}

// TopicNames are the topics in the order people read them.
var TopicNames = []string{"phases", "sessions", "windows", "drafts", "accreditation", "receipts"}

// TopicOf is the topic of an event, or "".
func TopicOf(event string) string {
	for _, name := range TopicNames {
		if slices.Contains(Topics[name], event) {
			return name
		}
	}
	return ""
}

// DefaultTopics are the topics a subscription of a role takes when it names
// none: what each participant needs to act on. Observers ("") follow the
// schedule and the drafts.
func DefaultTopics(role string) []string {
	switch role {
	case "pga-office":
		return slices.Clone(TopicNames)
	case "co-facilitator":
		return []string{"phases", "sessions", "windows", "drafts"}
	case "member-state":
		return []string{"phases", "sessions", "windows", "drafts", "accreditation", "receipts"}
	case "stakeholder":
		return []string{"sessions", "windows", "drafts", "accreditation", "receipts"}
	default:
		return []string{"phases", "sessions", "drafts"}
	}
}
